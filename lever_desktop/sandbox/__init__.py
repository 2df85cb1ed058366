"""The embedded Lever simulator: a faithful Lever API v1 on loopback.

``server.SandboxServer`` runs it in a background thread (``lever-sandbox`` from the
command line). Layout: ``catalog``/``templates``/``opportunities``/``state`` hold the
seeded account; ``api_read``/``api_writes``/``api_webhooks``/``api_feedback`` serve ``/v1``;
``gate`` applies auth, the per-key token bucket (``ratelimit``) and ``faults`` to every
``/v1`` request; ``webhooks`` signs and delivers (with retries) webhooks and drafts;
``activity``/``clock``/``drafts`` make interviews happen; ``api_admin`` is ``/_sandbox``.

Stricter readings where LEVER_API.md marks Lever as unconfirmed (a client that works
here works against Lever; details in each module's docstring):
- offset tokens must come back verbatim (a decoded/rebuilt token is a 400);
- feedback: ``""``/``"null"``/``null`` values are refused (omit the field), dates are
  integer epoch ms, scorecard rows need ``score`` 1–4 and a ``comment`` string, unknown
  field types and fields absent from the template's current version are refused, body keys
  other than Lever's are refused, ``perform_as`` must be an existing active user (also on
  PUT/DELETE), the "No Feedback" template cannot be submitted;
- unknown ``expand``/``confidentiality`` values and non-boolean ``archived`` are 400s; on
  ``/postings`` ``updated_at_*`` combine only with ``confidentiality``;
- 429s carry no ``Retry-After`` unless asked (``retry_after=True``);
- webhook URLs must be ``https://`` (plain ``http://`` only on loopback, for a local relay).

Unconfirmed facts the sandbox chose (documented, not stricter): lists are ordered by
``createdAt`` ascending; POST feedback answers 201; each completed interview yields one
draft, for its first interviewer; deliveries still queued when the server stops are sent
after it starts again.
"""
