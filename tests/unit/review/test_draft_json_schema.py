"""resources/draft-1.schema.json is the draft@1 model's own JSON Schema, and the shipped sample
drafts follow it."""

from __future__ import annotations

import json

import jsonschema

from lever_desktop.resources import resource_path
from lever_desktop.review.document import json_schema

REGENERATE = (
    "python -c 'import json; from lever_desktop.review.document import json_schema; "
    "print(json.dumps(json_schema(), indent=2, ensure_ascii=False))' > resources/draft-1.schema.json"
)


def published() -> dict:
    return json.loads(resource_path("draft-1.schema.json").read_text(encoding="utf-8"))


def test_the_published_schema_is_the_models_own():
    assert published() == json_schema(), f"draft@1 changed: regenerate the published schema with {REGENERATE}"


def test_the_sample_drafts_follow_it_and_a_broken_one_does_not():
    validator = jsonschema.Draft202012Validator(published())
    validator.check_schema(published())
    samples = []
    for name in ("samples/draft-every-field-type.json", "samples/drafts-phone-screen.json"):
        data = json.loads(resource_path(name).read_text(encoding="utf-8"))
        samples += data if isinstance(data, list) else [data]
    for doc in samples:
        validator.validate(doc)
    broken = {**samples[0], "schema": "lever-desktop/draft@2"}
    assert not validator.is_valid(broken)
    assert not validator.is_valid({k: v for k, v in samples[0].items() if k != "fields"})
    assert validator.is_valid({**samples[0], "pipelineRun": {"id": 7}})  # extra keys are kept, not refused
