"""The suite's logfail plugin: an unexpected logged warning fails the test; an expected one does not."""

from __future__ import annotations

import pytest

# The inner runs log their warnings through this process's root logger too.
pytestmark = pytest.mark.logs_warnings("the inner pytest runs log on purpose")

CONFTEST = 'pytest_plugins = ["helpers.logfail"]\n'


def _run(pytester: pytest.Pytester, body: str) -> pytest.RunResult:
    pytester.makeconftest(CONFTEST)
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        "import logging, threading\nimport pytest\n\nlog = logging.getLogger('lever_desktop.x')\n\n" + body
    )
    return pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:cacheprovider")


def test_a_warning_nobody_expected_fails_the_test_and_names_it(pytester):
    result = _run(
        pytester,
        "def test_quiet():\n    log.info('fine')\n\ndef test_noisy():\n    log.warning('the outbox gave up on d-1')\n",
    )
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*1 unexpected warning(s)*", "*WARNING lever_desktop.x: the outbox gave up on d-1*"])


def test_an_error_logged_on_another_thread_fails_the_test_too(pytester):
    result = _run(
        pytester,
        "def test_thread():\n"
        "    t = threading.Thread(target=lambda: log.error('server thread broke'))\n"
        "    t.start(); t.join()\n",
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*ERROR lever_desktop.x: server thread broke*"])


def test_a_test_that_means_to_log_a_warning_says_so(pytester):
    result = _run(
        pytester,
        "@pytest.mark.logs_warnings('the refusal is logged')\n"
        "def test_marked():\n    log.warning('expected')\n\n"
        "def test_reads_its_log(caplog):\n    log.warning('expected')\n"
        "    assert 'expected' in caplog.text\n",
    )
    result.assert_outcomes(passed=2)
