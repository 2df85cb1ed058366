"""The shared token bucket, on a controllable clock: rate, burst, backoff, recovery, pauses."""

from __future__ import annotations

import asyncio
import random
import threading

import pytest

from lever_desktop.lever import ratelimit
from lever_desktop.lever.ratelimit import RateLimiter, client_rate, shared_limiter
from tests.unit.lever.lever_support import FakeClock


def slots(limiter: RateLimiter, n: int) -> list[float]:
    return [limiter.reserve()[1] for _ in range(n)]


def run_in_threads(target, count: int) -> None:
    threads = [threading.Thread(target=target) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_defaults_spend_the_burst_but_one_then_run_just_below_lever_rate():
    assert client_rate(10.0, 20) == (pytest.approx(9.75), 19.0)
    assert client_rate(1000.0, 2000) == (pytest.approx(975.0), 1999.0)
    assert client_rate(1.0, 1) == (pytest.approx(0.975), 1.0)


async def test_defaults_bootstrap_within_four_percent_of_lever_floor(clock):
    """Issue 4: 105 requests from a fresh bucket vs Lever's floor (105 - 20) / 10 = 8.5 s."""
    limiter = RateLimiter(*client_rate(10.0, 20), clock=clock)
    for _ in range(105):
        await limiter.acquire(clock.sleep)
    assert (clock.now - 1000.0) / 8.5 == pytest.approx((105 - 19) / 9.75 / 8.5, rel=1e-6)
    assert (clock.now - 1000.0) / 8.5 < 1.04


async def test_lever_counting_from_a_late_first_arrival_costs_no_429_after_the_burst(clock):
    """The burst reaches Lever ~50 ms after we start counting (the first request also opens the
    connection; a loaded machine adds more), so Lever has refilled less than our limiter
    thinks. The token kept back from the burst absorbs that; spending all 20 does not."""

    async def arrivals(limiter: RateLimiter, clk: FakeClock) -> list[float]:
        return [max(await limiter.acquire(clk.sleep), 1000.05) for _ in range(200)]

    assert _server_429s(await arrivals(RateLimiter(*client_rate(10.0, 20), clock=clock), clock)) == 0
    whole = FakeClock()
    assert _server_429s(await arrivals(RateLimiter(9.75, 20, clock=whole), whole)) > 0


def test_burst_goes_at_once_then_steady_rate(clock):
    limiter = RateLimiter(10.0, 5, clock=clock)
    times = slots(limiter, 8)
    assert times[:5] == [1000.0] * 5
    assert times[5:] == pytest.approx([1000.1, 1000.2, 1000.3])


def test_a_new_limiter_on_the_real_clock_spends_its_burst_at_once():
    limiter = RateLimiter(*client_rate(10.0, 20))
    assert [limiter.reserve()[0] for _ in range(19)] == [0.0] * 19
    assert limiter.reserve()[0] > 0


def test_idle_time_refills_up_to_the_burst_only(clock):
    limiter = RateLimiter(10.0, 5, clock=clock)
    slots(limiter, 5)
    clock.now += 60
    times = slots(limiter, 6)
    assert times[:5] == [1060.0] * 5 and times[5] == pytest.approx(1060.1)


async def test_long_walk_sustains_the_configured_rate(clock):
    limiter = RateLimiter(9.5, 10, clock=clock)
    for _ in range(1000):
        await limiter.acquire(clock.sleep)
    # 10 go in the burst, the other 990 at 9.5/s.
    assert clock.now - 1000.0 == pytest.approx(990 / 9.5, rel=1e-6)


def _server_429s(arrivals: list[float], rate: float = 10.0, burst: float = 20.0) -> int:
    """How many of ``arrivals`` a Lever-like bucket (10/s, burst 20) would reject."""
    tokens, last, rejected = burst, min(arrivals), 0
    for t in sorted(arrivals):
        tokens = min(burst, tokens + (t - last) * rate)
        last = t
        if tokens >= 1:
            tokens -= 1
        else:
            rejected += 1
    return rejected


async def test_defaults_against_a_simulated_lever_bucket_with_jitter(clock):
    """>= 90 % of Lever's steady rate with <= 1 % 429s, despite 0-150 ms of network jitter."""
    limiter = RateLimiter(*client_rate(10.0, 20), clock=clock)
    rng = random.Random(7)
    arrivals = []
    for _ in range(3000):
        sent = await limiter.acquire(clock.sleep)
        arrivals.append(sent + rng.uniform(0.0, 0.15))
    rate = len(arrivals) / (max(arrivals) - 1000.0)
    assert rate >= 0.90 * 10.0
    assert _server_429s(arrivals) <= 0.01 * len(arrivals)
    # A fresh bucket spends Lever's burst (but one) and, with this jitter, draws no 429 at all.
    assert _server_429s(arrivals) == 0
    # At exactly Lever's own numbers the same jitter draws 429s: the headroom is needed.
    clock2 = FakeClock()
    greedy = RateLimiter(10.0, 20, clock=clock2)
    greedy_arrivals = []
    for _ in range(3000):
        sent = await greedy.acquire(clock2.sleep)
        greedy_arrivals.append(sent + rng.uniform(0.0, 0.15))
    assert _server_429s(greedy_arrivals) > 0


class _LeverBucket:
    """Lever's bucket for one key (10/s, burst 20), shared with another process's traffic."""

    def __init__(self, tokens: float, other_rate: float = 0.0, rate: float = 10.0, burst: float = 20.0) -> None:
        self.tokens, self.other_rate, self.rate, self.burst = tokens, other_rate, rate, burst
        self.last = 1000.0

    def admit(self, t: float) -> bool:
        # The other process's requests take their share of the refill (what it leaves is ours).
        self.tokens = min(self.burst, self.tokens + (t - self.last) * (self.rate - self.other_rate))
        self.last = t
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


async def _walk(limiter: RateLimiter, clock: FakeClock, lever: _LeverBucket, pages: int) -> tuple[int, float]:
    """Fetch ``pages`` one after the other as ``paginate`` does, retrying 429s; (429s, seconds)."""
    rejected = 0
    for _ in range(pages):
        first: float | None = None
        while True:
            sent = await limiter.acquire(clock.sleep)
            if lever.admit(sent):
                limiter.on_success()
                break
            rejected += 1
            first = sent if first is None else first
            limiter.on_rate_limited(None, sent, first_sent_at=first)
    return rejected, clock.now - 1000.0


@pytest.mark.parametrize("left", [0.0, 5.0])
async def test_a_burst_into_a_drained_lever_bucket_costs_the_burst_credit_not_a_cut(clock, left):
    """Another process just spent the key's burst: the fresh limiter's burst meets a 429 and paces
    from there; alone on the key, the 97.5 % pace lets Lever's bucket refill, so no cut follows."""
    limiter = RateLimiter(*client_rate(10.0, 20), clock=clock, rng=random.Random(3).random)
    rejected, seconds = await _walk(limiter, clock, _LeverBucket(tokens=left), 1000)
    assert rejected <= 2 and limiter.cuts == 0
    assert limiter.rate == pytest.approx(9.75)
    assert 1000 / seconds >= 0.90 * 10.0


async def test_sharing_the_key_with_a_steady_neighbour_settles_below_what_it_leaves(clock):
    """A neighbour takes 4/s of the key's 10/s: the limiter settles near the other 6/s with few 429s."""
    limiter = RateLimiter(*client_rate(10.0, 20), clock=clock, rng=random.Random(3).random)
    rejected, seconds = await _walk(limiter, clock, _LeverBucket(tokens=20.0, other_rate=4.0), 1200)
    assert rejected <= 0.03 * 1200
    assert 1200 / seconds >= 0.90 * 6.0


def _limiter(clock: FakeClock, rate: float = 10.0, burst: float = 10) -> RateLimiter:
    return RateLimiter(rate, burst, clock=clock, rng=lambda: 0.0)  # no jitter: exact slots


def _serve(limiter: RateLimiter, clock: FakeClock, seconds: float, per_second: float) -> None:
    """Lever answers ``per_second`` of our requests for ``seconds`` (the clock moves on)."""
    for _ in range(round(seconds * per_second)):
        clock.now += 1 / per_second
        limiter.on_success()


def test_a_first_429_after_a_calm_spell_drops_the_burst_credit_but_keeps_the_rate(clock):
    limiter = _limiter(clock)
    limiter.on_rate_limited(sent_at=clock.now)
    assert limiter.rate == 10.0 and limiter.cuts == 0
    delay, _, _ = limiter.reserve()
    assert delay == pytest.approx(1 / 10.0)  # no burst: one refill interval at the same rate


def test_sustained_429s_cut_once_per_congestion_epoch(clock):
    limiter = _limiter(clock)
    in_flight = slots(limiter, 3)
    limiter.on_rate_limited(sent_at=in_flight[0])  # epoch 1: the first after a calm spell
    _serve(limiter, clock, 1.0, 4.0)  # Lever served us 4/s since
    later = limiter.reserve()[1]
    limiter.on_rate_limited(sent_at=later)  # epoch 2, within SUSTAINED of epoch 1: a cut
    assert limiter.cuts == 1
    assert limiter.rate == pytest.approx(4.0 * ratelimit.GOODPUT_SHARE)  # what Lever gave us, with margin
    # Answers to requests sent before the epoch ends report the same congestion: no second cut.
    limiter.on_rate_limited(sent_at=later)
    limiter.on_rate_limited(sent_at=clock.now)
    assert limiter.cuts == 1
    # A request sent after the epoch ended that still meets a 429 is new evidence: cut again.
    clock.now += 1.0
    limiter.on_rate_limited(sent_at=clock.now)
    assert limiter.cuts == 2


def test_retries_of_one_request_do_not_compound(clock):
    """Three 429s in a row for one request, each retry sent well after the last: one epoch, no cut."""
    limiter = _limiter(clock)
    first = limiter.reserve()[1]
    limiter.on_rate_limited(sent_at=first)
    for _ in range(3):
        clock.now += 2.0  # long past the epoch's own length
        limiter.on_rate_limited(sent_at=clock.now, first_sent_at=first)
    assert limiter.cuts == 0 and limiter.rate == 10.0
    # Even under sustained contention the retries of one request cost one cut, not one each.
    limiter.on_success()
    clock.now += 1.0
    second = limiter.reserve()[1]
    for _ in range(4):
        limiter.on_rate_limited(sent_at=clock.now, first_sent_at=second)
        clock.now += 2.0
    assert limiter.cuts == 1


def test_a_cut_stays_within_a_quarter_and_a_half_of_the_rate(clock):
    limiter = _limiter(clock)
    limiter.on_rate_limited(sent_at=clock.now)
    _serve(limiter, clock, 1.0, 9.0)  # served at nearly our rate: halve, no less
    limiter.on_rate_limited(sent_at=clock.now)
    assert limiter.rate == pytest.approx(10.0 * ratelimit.DECREASE)
    clock.now += 1.0
    limiter.on_rate_limited(sent_at=clock.now)  # served nothing: a quarter, no less
    assert 5.0 * ratelimit.DECREASE_MIN <= limiter.rate <= 5.2 * ratelimit.DECREASE_MIN  # 5/s + 1 s of probing


def test_a_429_long_after_the_last_one_is_a_new_calm_spell(clock):
    limiter = _limiter(clock)
    limiter.on_rate_limited(sent_at=clock.now)
    clock.now += ratelimit.SUSTAINED + 1
    limiter.on_rate_limited(sent_at=clock.now)
    assert limiter.cuts == 0


def test_jitter_spreads_the_slot_after_a_429_over_the_next_intervals(clock):
    late = RateLimiter(10.0, 10, clock=clock, rng=lambda: 1.0)
    late.on_rate_limited(sent_at=clock.now)
    assert late.reserve()[0] == pytest.approx((1 + ratelimit.JITTER) / 10.0)


def test_rate_probes_back_up_faster_the_longer_lever_stays_calm(clock):
    limiter = _limiter(clock)
    limiter.on_rate_limited(sent_at=clock.now)
    limiter.on_rate_limited(sent_at=None)  # sustained: 10/s -> 2.5/s (nothing served)
    assert limiter.rate == pytest.approx(2.5)
    clock.now += 2  # 1 % of the configured rate per second at first (plus a little: 2 s of calm)
    assert limiter.rate == pytest.approx(2.5 + 10.0 * ratelimit.PROBE * 2 * (1 + (2 / ratelimit.CALM) ** 2))
    assert limiter.rate < 2.75  # a fifth of the old 5 %/s: ten processes probing together
    clock.now += 25  # calm for half a minute: the probe accelerates back to the configured rate
    assert limiter.rate == pytest.approx(10.0)


def test_processes_growing_alike_after_cuts_in_proportion_converge_to_fair_shares(clock):
    """AIMD on one key: two limiters that start far apart and meet the same congestion events
    (each cut keeps the same share of its rate) end up close together."""
    fast, slow = _limiter(clock), _limiter(clock)
    for limiter in (fast, slow):
        limiter.on_rate_limited(sent_at=clock.now)
    slow.on_rate_limited(sent_at=None)
    slow.on_rate_limited(sent_at=None)  # 0.625/s against 10/s
    for _ in range(30):  # an event every 2 s: both cut by half of what they send
        clock.now += 2.0
        for limiter in (fast, slow):
            limiter.on_rate_limited(sent_at=None)
    assert fast.rate / slow.rate < 1.1


def test_tokens_refill_at_the_rate_in_force(clock):
    limiter = _limiter(clock, burst=100)
    slots(limiter, 100)
    limiter.on_rate_limited(sent_at=clock.now)
    limiter.on_rate_limited(sent_at=None)  # cut to 2.5/s
    clock.now += 4  # ~10 tokens at ~2.5/s
    times = slots(limiter, 11)
    assert times[9] == clock.now and times[10] > clock.now


def test_retry_after_pauses_the_whole_bucket(clock):
    limiter = _limiter(clock)
    limiter.on_rate_limited(retry_after=5.0)
    delay, slot, _ = limiter.reserve()
    assert slot == pytest.approx(1005.0 + 1 / 10.0)


def test_retry_after_pause_is_capped(clock):
    limiter = RateLimiter(10.0, 10, clock=clock)
    limiter.on_rate_limited(retry_after=10_000)
    assert limiter.reserve()[1] <= 1000.0 + ratelimit.MAX_PAUSE + 1


async def test_a_pause_also_holds_back_requests_already_waiting(clock):
    limiter = RateLimiter(1.0, 1, clock=clock)
    limiter.reserve()  # takes the only token; the next waits 1 s

    async def sleep_while_a_429_arrives(seconds: float) -> None:
        if not clock.sleeps:
            limiter.on_rate_limited(retry_after=5.0)  # another task's request met a 429
        await clock.sleep(seconds)

    sent = await limiter.acquire(sleep_while_a_429_arrives)
    assert clock.sleeps == [pytest.approx(1.0), pytest.approx(5.0)]
    assert sent == pytest.approx(1006.0) and clock.now == pytest.approx(1006.0)


def test_reservations_from_many_threads_get_distinct_evenly_spaced_slots(clock):
    limiter = RateLimiter(100.0, 1, clock=clock)
    got: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = slots(limiter, 200)
        with lock:
            got.extend(mine)

    run_in_threads(worker, 4)
    got.sort()
    assert len(got) == 800
    gaps = [b - a for a, b in zip(got, got[1:])]
    assert min(gaps) == pytest.approx(0.01) and max(gaps) == pytest.approx(0.01)


def test_one_limiter_per_key_and_origin_and_the_registry_never_holds_the_key():
    a = shared_limiter("key-one-abcdef", "https://api.lever.co:", 9.5, 10)
    assert shared_limiter("key-one-abcdef", "https://api.lever.co:", 9.5, 10) is a
    assert shared_limiter("key-two-abcdef", "https://api.lever.co:", 9.5, 10) is not a
    assert shared_limiter("key-one-abcdef", "http://127.0.0.1:8001", 9.5, 10) is not a
    assert all("key-one" not in ident for ident in ratelimit.shared_identities())
    assert "key-one" not in repr(a)
    shared_limiter("key-one-abcdef", "https://api.lever.co:", 950.0, 1000)
    assert a.configured == (950.0, 1000.0)


async def test_clients_with_the_same_key_share_a_limiter(make_client):
    one = make_client(limiter=None)
    two = make_client(limiter=None)
    other = make_client(limiter=None, api_key="another-key-123456")
    assert one.limiter is two.limiter and one.limiter is not other.limiter
    assert one.limiter.configured == (pytest.approx(9.75), 19.0)  # Lever's 10/s, burst 20, with the default headroom


def test_bad_configuration_is_refused():
    with pytest.raises(ValueError):
        RateLimiter(0, 10)
    with pytest.raises(ValueError):
        RateLimiter(10, 0.5)


def test_acquire_works_from_event_loops_in_different_threads(clock):
    """The GUI's qasync loop and the sandbox's or a worker's loop share one limiter."""
    limiter = RateLimiter(50.0, 1, clock=clock)
    sent: list[float] = []
    errors: list[BaseException] = []

    async def no_wait(seconds: float) -> None:
        await asyncio.sleep(0)  # the fake clock does not move: only the loop binding is under test

    def in_own_loop() -> None:
        async def walk() -> list[float]:
            return [await limiter.acquire(no_wait) for _ in range(50)]

        try:
            sent.extend(asyncio.run(walk()))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    run_in_threads(in_own_loop, 3)
    assert errors == []
    assert len(set(round(s, 9) for s in sent)) == 150  # every request its own slot, 20 ms apart


def test_an_even_share_of_the_key_for_n_desktops():
    assert ratelimit.share_of(1) == client_rate(10.0, 20)
    assert ratelimit.share_of(3) == (pytest.approx(3.25), 5.0)
    assert ratelimit.share_of(10) == (pytest.approx(0.975), 1.0)
    assert ratelimit.share_of(50) == (pytest.approx(0.195), 1.0)
    assert ratelimit.share_of(0) == ratelimit.share_of(1)  # a relay that counts nobody: the whole key


def test_told_to_share_the_key_a_saved_up_burst_is_not_spent(clock):
    """A desktop told it shares the key with nine others takes its share of the burst, not the
    whole bucket it had saved up before it knew."""
    limiter = RateLimiter(*ratelimit.share_of(1), clock=clock)
    limiter.configure(*ratelimit.share_of(10))
    assert slots(limiter, 3) == pytest.approx([1000.0, 1000.0 + 1 / 0.975, 1000.0 + 2 / 0.975])
    clock.now += 60  # idle: refills to the shared burst only
    limiter.configure(*ratelimit.share_of(1))  # alone again: the burst credit is earned back, not granted
    assert slots(limiter, 2) == pytest.approx([clock.now, clock.now + 1 / 9.75])
