"""Torch7's random streams, bit for bit: TH's MT19937, its distributions and fill order.

The Torch7 numbers come from ../shared/conformance/golden (08_rng_streams, 15_rng_extended,
printed by real Torch7 with %.17g) and a few inline values copied from those files.
"""
import importlib
import math

import numpy as np
import pytest

from luatorch import torch

rnd = importlib.import_module("luatorch.torch.random")  # torch.random is the function


def g17(v):
    return format(v, ".17g")


def flat(t):
    return t.contiguous()._a.reshape(-1).tolist()


# --- Torch7's own numbers ----------------------------------------------------------------
def test_inline_torch7_values():
    torch.manualSeed(1)
    assert torch.initialSeed() == 1
    assert torch.random() == 1791095845 and torch.random() == 4282876139
    assert g17(torch.uniform()) == "0.72032448928803205"
    assert g17(torch.uniform(-2, 3)) == "2.6627868060022593"
    assert g17(torch.normal()) == "0.52365734937443909"
    assert g17(torch.normal(1, 2)) == "1.0007526816645245"
    assert g17(torch.exponential(1.5)) == "0.24000849857059536"
    assert g17(torch.cauchy()) == "331.74990033587619"
    assert g17(torch.logNormal(1, 2)) == "6.5980485125969901"
    assert torch.geometric(0.3) == 1 and torch.bernoulli(0.3) == 0


def _golden_lines(shared_dir, name):
    text = (shared_dir / "conformance" / "golden" / name).read_text()
    return [line.rstrip("\t") for line in text.splitlines()]


def test_golden_08_rng_streams(shared_dir):
    def dump(name, t):
        return name + " " + " ".join(g17(v) for v in flat(t))

    torch.manualSeed(1)
    ours = [
        dump("rand", torch.rand(5)),
        dump("randn", torch.randn(5)),
        dump("randperm", torch.randperm(8)),
        dump("uniform", torch.Tensor(4).uniform(-2, 3)),
        dump("normal", torch.Tensor(4).normal(1, 0.5)),
        dump("bernoulli", torch.Tensor(6).bernoulli(0.3)),
        "scalar uniform " + g17(torch.uniform()),
        "scalar normal " + g17(torch.normal()),
        f"random {torch.random(1, 100)}",
    ]
    golden = _golden_lines(shared_dir, "08_rng_streams.out")
    assert ours == golden[:len(ours)]
    torch.manualSeed(3)
    assert f"initialSeed {torch.initialSeed()}" == golden[-1]


def test_golden_15_rng_extended(shared_dir):
    out = []

    def full(name, t):
        if isinstance(t, (int, float)):
            out.append(f"{name} = {g17(t)}")
        else:
            out.extend(f"{name}[{i + 1}] = {g17(v)}" for i, v in enumerate(flat(t)))

    out.append("== initialSeed after manualSeed(1)")
    torch.manualSeed(1)
    out.append(str(torch.initialSeed()))
    out.append("== torch.random / uniform / normal scalars")
    torch.manualSeed(1)
    full("random", torch.random()); full("random", torch.random())
    full("uniform", torch.uniform()); full("uniform(-2,3)", torch.uniform(-2, 3))
    full("normal", torch.normal()); full("normal(1,2)", torch.normal(1, 2))
    full("exponential(1.5)", torch.exponential(1.5))
    full("cauchy", torch.cauchy()); full("logNormal(1,2)", torch.logNormal(1, 2))
    full("geometric(0.3)", torch.geometric(0.3)); full("bernoulli(0.3)", torch.bernoulli(0.3))
    out.append("== tensor fills")
    torch.manualSeed(2)
    full("rand(2,3)", torch.rand(2, 3))
    full("randn(2,3)", torch.randn(2, 3))
    full("uniform_(-1,1)", torch.Tensor(4).uniform(-1, 1))
    full("normal_(0,2)", torch.Tensor(4).normal(0, 2))
    full("bernoulli_(0.3)", torch.Tensor(6).bernoulli(0.3))
    full("exponential_(2)", torch.Tensor(3).exponential(2))
    full("random_(1,10)", torch.Tensor(6).random(1, 10))
    full("random_(10)", torch.Tensor(6).random(10))
    full("randperm(10)", torch.randperm(10))
    full("multinomial", torch.multinomial(torch.Tensor([0.1, 0.2, 0.3, 0.4]), 6, True))
    full("multinomial_noreplace", torch.multinomial(torch.Tensor([0.1, 0.2, 0.3, 0.4]), 3, False))
    out.append("== odd-length randn (normal pairs)")
    torch.manualSeed(3)
    full("randn(3)", torch.randn(3)); full("randn(1)", torch.randn(1))
    full("randn(17)", torch.randn(17))
    out.append("== float tensors")
    torch.manualSeed(4)
    full("FloatTensor rand", torch.FloatTensor(5).uniform())
    full("FloatTensor randn", torch.FloatTensor(5).normal())
    out.append("== generator state save/restore")
    torch.manualSeed(5)
    st = torch.getRNGState()
    a = torch.rand(3)
    torch.setRNGState(st)
    b = torch.rand(3)
    assert flat(a) == flat(b)
    golden = _golden_lines(shared_dir, "15_rng_extended.out")
    assert out == golden[:len(out)]
    assert golden[len(out)] == "equal after restore\ttrue"


# --- the generator itself --------------------------------------------------------------
def test_mt19937_reference_output():
    # Matsumoto & Nishimura's mt19937ar.c: init_genrand(5489) then genrand_int32
    torch.manualSeed(5489)
    assert [torch.random() for _ in range(3)] == [3499211612, 581869302, 3890346734]
    # the 1000th output crosses the first state refresh (TH's left/next bookkeeping)
    torch.manualSeed(5489)
    t = torch.LongTensor(1000).random()
    assert int(t._a[-1]) == 1341017984


def test_fills_equal_scalar_stream():
    """A fill of n elements is n scalar draws in row-major order (TH_TENSOR_APPLY)."""
    cases = [
        ("uniform", (-2, 3)), ("normal", (1, 0.5)), ("exponential", (2,)), ("cauchy", (0, 2)),
        ("logNormal", (1, 0.5)), ("geometric", (0.2,)), ("bernoulli", (0.3,)), ("random", (3, 9)),
    ]
    for name, params in cases:
        for n in (1, 2, 5, 16, 17):
            torch.manualSeed(11)
            torch.normal()  # leaves a cached Box-Muller value: fills must use it first
            filled = getattr(torch.Tensor(n), name)(*params)
            torch.manualSeed(11)
            torch.normal()
            scalars = [getattr(torch, name)(*params) for _ in range(n)]
            assert flat(filled) == scalars, (name, n)


def test_non_contiguous_fill_follows_the_views_row_major_order():
    torch.manualSeed(3)
    base = torch.Tensor(3, 4).zero()
    view = base.t()  # 4x3, not contiguous
    assert not view.isContiguous()
    view.uniform()
    torch.manualSeed(3)
    expected = [torch.uniform() for _ in range(12)]
    assert flat(view) == expected
    assert base._a.T.reshape(-1).tolist() == expected


def test_normal_cache_spans_calls():
    torch.manualSeed(9)
    parts = flat(torch.randn(3)) + flat(torch.randn(1)) + [torch.normal()] + flat(torch.randn(2))
    torch.manualSeed(9)
    assert parts == flat(torch.randn(7))


def test_manual_seed_resets_the_normal_cache():
    torch.manualSeed(4)
    first = torch.normal()
    torch.manualSeed(4)
    torch.normal()  # caches the pair's sine
    torch.manualSeed(4)
    assert torch.normal() == first


def test_float_tensor_values_are_double_results_cast_to_float():
    torch.manualSeed(6)
    t = torch.FloatTensor(7).uniform(0.1, 0.7)
    torch.manualSeed(6)
    # Torch7 passes a and b as floats, computes in double, then stores a float
    a, b = float(np.float32(0.1)), float(np.float32(0.7))
    expected = np.float32([torch.uniform() * (b - a) + a for _ in range(7)])
    assert t._a.dtype == np.float32 and t._a.tolist() == expected.tolist()
    torch.manualSeed(6)
    n = torch.FloatTensor(5).normal(0, 0.1)
    torch.manualSeed(6)
    s = float(np.float32(0.1))
    assert n._a.tolist() == np.float32([torch.normal(0, s) for _ in range(5)]).tolist()


def test_integer_tensor_random_and_bernoulli():
    torch.manualSeed(2)
    raw = [torch.random() for _ in range(8)]
    torch.manualSeed(2)
    assert flat(torch.ByteTensor(8).random()) == [r % 256 for r in raw]
    torch.manualSeed(2)
    assert flat(torch.CharTensor(8).random()) == [r % 128 for r in raw]
    torch.manualSeed(2)
    assert flat(torch.IntTensor(8).random(-5, 5)) == [r % 11 - 5 for r in raw]
    torch.manualSeed(2)
    assert flat(torch.LongTensor(2, 4).random(6)) == [r % 6 + 1 for r in raw]
    torch.manualSeed(2)
    b = torch.ByteTensor(8).bernoulli(0.5)
    assert torch.type(b) == "torch.ByteTensor" and set(flat(b)) <= {0, 1}


def test_double_random_with_negative_lower_bound_wraps_like_c():
    # TH adds the long lower bound in unsigned long arithmetic; a double tensor keeps 2^64 - k
    torch.manualSeed(2)
    raw = [torch.random() for _ in range(8)]
    torch.manualSeed(2)
    got = flat(torch.Tensor(8).random(-5, 5))
    assert got == [float((r % 11 - 5) % 2 ** 64) for r in raw]
    torch.manualSeed(2)
    assert [torch.random(-5, 5) for _ in range(8)] == [r % 11 - 5 for r in raw]


def test_integer_types_have_no_continuous_fills():
    with pytest.raises(TypeError, match="uniform"):
        torch.LongTensor(3).uniform()
    with pytest.raises(TypeError, match="rand"):
        torch.rand(3, "torch.LongTensor")


def test_bernoulli_with_probability_tensor():
    p = torch.Tensor([[0.0, 1.0, 0.5], [0.2, 0.9, 0.4]])
    torch.manualSeed(8)
    got = torch.Tensor(3, 2).bernoulli(p)
    torch.manualSeed(8)
    expected = [float(torch.uniform() <= v) for v in flat(p)]
    assert flat(got) == expected
    with pytest.raises(ValueError, match="inconsistent tensor size"):
        torch.Tensor(4).bernoulli(p)


# --- rand / randn / randperm / multinomial ------------------------------------------
def test_rand_randn_forms():
    torch.manualSeed(1)
    a = torch.rand(2, 3)
    torch.manualSeed(1)
    b = torch.rand(torch.LongStorage([2, 3]))
    assert torch.type(a) == "torch.DoubleTensor" and a.size(1) == 2 and flat(a) == flat(b)
    torch.manualSeed(1)
    res = torch.Tensor()
    assert torch.rand(res, 2, 3) is res and flat(res) == flat(a)
    torch.manualSeed(1)
    f = torch.randn(4, "torch.FloatTensor")
    torch.manualSeed(1)
    assert torch.type(f) == "torch.FloatTensor"
    assert f._a.tolist() == torch.randn(4)._a.astype(np.float32).tolist()
    t = torch.Tensor()
    torch.manualSeed(1)
    assert t.rand(2, 3) is t and flat(t) == flat(a)


def test_randperm_matches_th_swap_loop():
    for n in (1, 2, 3, 10, 97, 1000):
        torch.manualSeed(n)
        got = torch.randperm(n)
        torch.manualSeed(n)
        slots = list(range(n))
        for i in range(n - 1):
            z = torch.random() % (n - i)
            slots[i], slots[i + z] = slots[i + z], slots[i]
        assert torch.type(got) == "torch.DoubleTensor"
        assert flat(got) == [s + 1 for s in slots]


def test_forward_shuffle_against_a_loop():
    rng = np.random.default_rng(0)
    for n in list(range(1, 30)) + [500]:
        for _ in range(10):
            targets = np.array([i + rng.integers(0, n - i) for i in range(n - 1)], np.int64)
            slots = list(range(n))
            for i, j in enumerate(targets.tolist()):
                slots[i], slots[j] = slots[j], slots[i]
            assert rnd._forward_shuffle(targets).tolist() == slots


def _reference_multinomial(probs, n, replacement):
    """TH's THTensor_(multinomial) for one row, written as its loops."""
    cum, total = [], 0.0
    for p in probs:
        total += p
        cum.append(total)
    cum = [c / total for c in cum]
    out = []
    for _ in range(n):
        cum[-1] = 1.0
        u = torch.uniform(0, 1)
        lo, hi = 0, len(cum)
        while hi - lo > 0:
            mid = lo + (hi - lo) // 2
            if cum[mid] < u:
                lo = mid + 1
            else:
                hi = mid
        out.append(lo + 1)
        if not replacement and len(out) < n:  # (after the last draw C may divide by 0)
            new_val = cum[lo - 1] if lo > 0 else 0.0
            diff = cum[lo] - new_val
            s = 1.0 - diff
            cum = [((c - diff) if k >= lo else c) / s for k, c in enumerate(cum)]
    return out


def test_multinomial_matches_th_loops():
    probs = [0.05, 0.3, 0.0, 0.25, 0.15, 0.25]
    for replacement, n in ((True, 40), (False, 4)):
        torch.manualSeed(21)
        got = torch.multinomial(torch.Tensor(probs), n, replacement)
        torch.manualSeed(21)
        assert torch.type(got) == "torch.LongTensor" and got.dim() == 1
        assert flat(got) == _reference_multinomial(probs, n, replacement)
    rows = [[1.0, 2.0, 3.0], [0.0, 5.0, 1.0]]
    torch.manualSeed(22)
    got = torch.multinomial(torch.Tensor(rows), 2, False)
    torch.manualSeed(22)
    expected = [_reference_multinomial(r, 2, False) for r in rows]
    assert got.size(1) == 2 and got.size(2) == 2 and got._a.tolist() == expected


def test_multinomial_errors():
    p = torch.Tensor([0.2, 0.8])
    with pytest.raises(ValueError, match="without replacement"):
        torch.multinomial(p, 3, False)
    with pytest.raises(ValueError, match="sum of probabilities <= 0"):
        torch.multinomial(torch.Tensor([0.0, 0.0]), 1, True)
    with pytest.raises(ValueError, match="probability entry < 0"):
        torch.multinomial(torch.Tensor([0.5, -0.1]), 1, True)
    with pytest.raises(ValueError, match="n_sample"):
        torch.multinomial(p, 0, True)


# --- state, seeds, generators -------------------------------------------------------
def test_rng_state_roundtrip_including_cached_normal():
    torch.manualSeed(12)
    torch.randn(3)  # odd: a cached normal is part of the state
    state = torch.getRNGState()
    assert torch.type(state) == "torch.ByteTensor" and state.nElement() == 5048
    first = flat(torch.randn(5)) + [torch.random() for _ in range(700)]
    torch.manualSeed(99)
    torch.setRNGState(state)
    assert flat(torch.randn(5)) + [torch.random() for _ in range(700)] == first
    assert flat(torch.getRNGState()) != flat(state)  # a copy, not a view of the generator


def test_rng_state_bytes_follow_th_struct():
    torch.manualSeed(7)
    raw = np.ascontiguousarray(torch.getRNGState()._a).tobytes()
    rec = np.frombuffer(raw, rnd._STATE_DTYPE)[0]
    assert rec["the_initial_seed"] == 7 and rec["seeded"] == 1
    assert rec["left"] == 1 and rec["next"] == 0 and rec["state"][0] == 7
    assert rec["state"][1] == (1812433253 * (7 ^ (7 >> 30)) + 1) & 0xFFFFFFFF
    torch.random()
    rec = np.frombuffer(np.ascontiguousarray(torch.getRNGState()._a).tobytes(), rnd._STATE_DTYPE)[0]
    assert rec["left"] == 624 and rec["next"] == 1  # TH after its first draw
    st = torch.getRNGState()
    torch.setRNGState(st)
    assert flat(torch.getRNGState()) == flat(st)


def test_set_rng_state_checks():
    with pytest.raises(ValueError, match="RNG state is wrong size"):
        torch.setRNGState(torch.ByteTensor(10))
    bad = torch.getRNGState()
    bad._a[8:12] = 0  # left = 0
    with pytest.raises(ValueError, match="Invalid RNG state"):
        torch.setRNGState(bad)


def test_seed_and_initial_seed():
    s = torch.seed()
    assert isinstance(s, int) and torch.initialSeed() == s
    torch.manualSeed(123)
    assert torch.initialSeed() == 123
    # the seed is a C long both ways; only its low 32 bits seed the twister
    torch.manualSeed(-1)
    assert torch.initialSeed() == -1
    a = torch.random()
    torch.manualSeed(2 ** 32 - 1)
    assert torch.random() == a


def test_get_rng_state_into_a_given_tensor():
    torch.manualSeed(3)
    t = torch.ByteTensor(2)
    assert torch.getRNGState(t) is t and t.nElement() == 5048
    assert flat(t) == flat(torch.getRNGState())


def test_generators_are_independent():
    gen = torch.Generator()
    assert torch.type(gen) == "torch.Generator"
    torch.manualSeed(gen, 5)
    torch.manualSeed(5)
    a = [torch.uniform(gen) for _ in range(3)]
    torch.manualSeed(77)  # the default generator moves; gen does not
    b = [torch.uniform() for _ in range(3)]
    torch.manualSeed(5)
    assert a == [torch.uniform() for _ in range(3)] and a != b
    torch.manualSeed(gen, 5)
    t = torch.Tensor(3).uniform(gen, 0, 1)
    assert flat(t) == a
    torch.manualSeed(gen, 5)
    assert flat(torch.rand(gen, 3)) == a
    assert torch.initialSeed(gen) == 5


# --- argument checks with Torch7's messages ------------------------------------------
@pytest.mark.parametrize("call, message", [
    (lambda: torch.normal(0, 0), "standard deviation must be strictly positive"),
    (lambda: torch.Tensor(3).normal(0, -1), "standard deviation must be strictly positive"),
    (lambda: torch.logNormal(1, 0), "standard deviation must be strictly positive"),
    (lambda: torch.bernoulli(1.5), "must be >= 0 and <= 1"),
    (lambda: torch.Tensor(3).bernoulli(-0.1), "must be >= 0 and <= 1"),
    (lambda: torch.Tensor(2).bernoulli(torch.Tensor([0.5, 2])), "must be >= 0 and <= 1"),
    (lambda: torch.geometric(1), "must be > 0 and < 1"),
    (lambda: torch.Tensor(3).geometric(0), "must be > 0 and < 1"),
    (lambda: torch.random(5, 1), "upper bound must be larger than lower bound"),
    (lambda: torch.random(0), "upper bound must be strictly positive"),
    (lambda: torch.Tensor(2).random(3, 2), "upper bound must be larger than lower bound"),
    (lambda: torch.randperm(0), "must be strictly positive"),
])
def test_argument_errors_keep_state_and_tensor(call, message):
    torch.manualSeed(31)
    before = flat(torch.getRNGState())
    with pytest.raises(ValueError, match=message):
        call()
    assert flat(torch.getRNGState()) == before


def test_failed_fill_leaves_tensor_untouched():
    t = torch.Tensor([1, 2, 3])
    with pytest.raises(ValueError):
        t.normal(0, 0)
    assert flat(t) == [1, 2, 3]


def test_empty_tensor_fill_draws_nothing():
    torch.manualSeed(3)
    torch.Tensor().uniform()
    assert torch.uniform() == (torch.manualSeed(3) or torch.uniform())


# --- the C library's functions, vectorised ------------------------------------------
def test_vectorised_log_exp_tan_match_the_c_library():
    rng = np.random.default_rng(2026)
    u = rng.integers(0, 2 ** 32, 200_000).astype(np.float64) * 2.0 ** -32
    samples = {
        "log": np.concatenate([1.0 - u, np.exp(rng.uniform(-700, 700, 20_000)),
                               [1.0, 0.5, 2.0, 5e-324, 0.0, math.inf]]),
        "exp": np.concatenate([rng.normal(0, 3, 50_000), [0.0, 710.0, -750.0]]),
        "tan": math.pi * (u[:50_000] - 0.5),
        "cos": 2 * math.pi * u[:50_000],
        "sin": 2 * math.pi * u[:50_000],
    }
    for name, x in samples.items():
        fn = rnd._c_call(rnd._MATH_FN[name])
        expected = np.array([fn(v) for v in x.tolist()])
        got = rnd._libm(name, x)
        assert np.array_equal(got, expected, equal_nan=True), name


def test_generator_write_read_roundtrip_through_file_protocol():
    class ByteFile:  # the two File methods Generator.write/read use, as Torch7's File
        def __init__(self):
            self.buf = b""

        def writeByte(self, storage):
            self.buf += storage.data.tobytes()

        def readByte(self, n):
            data, self.buf = self.buf[:n], self.buf[n:]
            return torch.ByteStorage(np.frombuffer(data, np.uint8).copy())

    gen = torch.Generator()
    torch.manualSeed(gen, 42)
    torch.normal(gen)  # with a cached normal
    f = ByteFile()
    gen.write(f)
    assert len(f.buf) == 5048
    expected = [torch.normal(gen) for _ in range(3)]
    copy = torch.Generator.__new__(torch.Generator)
    copy.read(f)
    assert [torch.normal(copy) for _ in range(3)] == expected and torch.initialSeed(copy) == 42
