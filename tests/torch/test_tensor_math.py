"""TensorMath with Torch7's overloads and semantics (values from Torch7's docs, sources and the
07_tensor_basics golden output)."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from luatorch import torch


def T(rows):
    return torch.Tensor(rows)


def vals(t):
    return t._a.tolist()


@pytest.fixture
def a():
    return T([[1, 2, 3], [4, 5, 6]])


# --- the conformance script's uses (07_tensor_basics) ----------------------------------------
def test_sum_without_and_with_dimension_keeps_dimension(a):
    assert a.sum() == 21
    s1, s2 = a.sum(1), a.sum(2)
    assert s1.size().totable() == [1, 3] and vals(s1) == [[5, 7, 9]]
    assert s2.size().totable() == [2, 1] and vals(s2) == [[6], [15]]
    assert torch.type(s1) == "torch.DoubleTensor"


def test_mm_cmul_max_with_indices(a):
    assert vals(torch.mm(a, a.t())) == [[14, 32], [32, 77]]
    b = a.clone().fill(2)
    assert vals(torch.cmul(a, b)) == [[2, 4, 6], [8, 10, 12]]
    v, i = torch.max(a, 2)
    assert vals(v) == [[3], [6]] and vals(i) == [[3], [3]]
    assert torch.type(i) == "torch.LongTensor"


def test_range_linspace_zeros_ones():
    assert vals(torch.range(1, 5)) == [1, 2, 3, 4, 5]
    assert vals(torch.linspace(0, 1, 5)) == [0, 0.25, 0.5, 0.75, 1]
    assert vals(torch.zeros(2, 2)) == [[0, 0], [0, 0]]
    assert vals(torch.ones(3)) == [1, 1, 1]
    assert torch.type(torch.range(1, 3)) == "torch.DoubleTensor"


def test_index_gt_maskedselect_apply(a):
    l = torch.LongTensor([3, 1, 2])
    assert vals(a.index(2, l)) == [[3, 1, 2], [6, 4, 5]]
    g = a.gt(3)
    assert torch.type(g) == "torch.ByteTensor" and vals(g) == [[0, 0, 0], [1, 1, 1]]
    assert vals(a.maskedSelect(a.gt(3))) == [4, 5, 6]
    a.apply(lambda x: x * 10)
    assert vals(a) == [[10, 20, 30], [40, 50, 60]]


def test_chained_in_place_arithmetic_returns_self():
    t = torch.Tensor(2, 3)
    r = t.zero().add(1).mul(3).div(2)
    assert r is t and vals(t) == [[1.5] * 3] * 2


def test_operators_expression(a):
    a.mul(10)
    r = (a + 1) * 2 - a / 10
    assert vals(r) == [[21, 40, 59], [78, 97, 116]]
    assert vals(a) == [[10, 20, 30], [40, 50, 60]]  # operators make new tensors


def test_type_conversions(a):
    f = a.double().float()
    assert torch.type(f) == "torch.FloatTensor" and vals(f) == vals(a)
    assert a.double() is a
    assert torch.type(a.long()) == "torch.LongTensor"
    assert torch.type(a.type("torch.IntTensor")) == "torch.IntTensor"
    assert torch.type(a.typeAs(torch.ByteTensor())) == "torch.ByteTensor"
    assert torch.type(T([-1.7]).long()) == "torch.LongTensor" and vals(T([-1.7, 2.9]).long()) == [-1, 2]


# --- add and its overloads ---------------------------------------------------------------------
def test_add_overloads():
    x, y = T([1, 2]), T([10, 20])
    assert vals(torch.add(x, 1)) == [2, 3] and vals(x) == [1, 2]
    assert vals(torch.add(x, y)) == [11, 22]
    assert vals(torch.add(x, 2, y)) == [21, 42]
    res = torch.Tensor()
    assert torch.add(res, x, y) is res and vals(res) == [11, 22]
    assert torch.add(res, x, 3, y) is res and vals(res) == [31, 62]
    z = x.clone()
    assert z.add(y) is z and vals(z) == [11, 22]
    z = x.clone()
    assert vals(z.add(-1, y)) == [-9, -18]
    r = torch.Tensor()
    assert r.add(x, 5) is r and vals(r) == [6, 7]
    assert vals(r.add(x, 2, y)) == [21, 42]


def test_add_accepts_same_element_count_in_other_shape():
    x = T([[1, 2], [3, 4]])
    x.add(T([1, 1, 1, 1]))
    assert vals(x) == [[2, 3], [4, 5]]


def test_csub_mul_div_cdiv_cpow():
    x, y = T([4, 9]), T([2, 3])
    assert vals(torch.csub(x, 1)) == [3, 8]
    assert vals(torch.csub(x, y)) == [2, 6]
    assert vals(torch.csub(x, 2, y)) == [0, 3]
    assert vals(torch.mul(x, 2)) == [8, 18]
    assert vals(torch.div(x, 2)) == [2, 4.5]
    assert vals(torch.cdiv(x, y)) == [2, 3]
    assert vals(torch.cpow(x, y)) == [16, 729]


def test_addcmul_addcdiv():
    t, a, b = T([1, 1]), T([2, 3]), T([4, 6])
    assert vals(torch.addcmul(t, 2, a, b)) == [17, 37]
    assert vals(torch.addcdiv(t, a, b)) == [1.5, 1.5]
    assert t.addcmul(a, b) is t and vals(t) == [9, 19]


def test_integer_tensors_keep_c_semantics():
    l = torch.LongTensor([7, -7, 9])
    assert vals(torch.div(l, 2)) == [3, -3, 4]  # truncation toward zero
    assert vals(torch.cdiv(l, torch.LongTensor([2, 2, -4]))) == [3, -3, -2]
    assert vals(l.clone().add(2.7)) == [9, -5, 11]  # value cast to long: 2
    assert vals(l.clone().mul(0.5)) == [0, 0, 0]
    b = torch.ByteTensor([250, 3])
    assert vals(b.add(10)) == [4, 13]  # unsigned char wraps
    assert torch.type(l.sum()) == "number" and l.sum() == 9 and isinstance(l.sum(), int)
    assert vals(torch.fmod(l, 4)) == [3, -3, 1]
    assert vals(torch.remainder(l, 4)) == [3, 1, 1]


def test_float_tensor_ops_stay_float():
    f = torch.FloatTensor([1.5, 2.5])
    r = torch.add(f, 1)
    assert torch.type(r) == "torch.FloatTensor" and r._a.dtype == np.float32
    assert torch.type(f * 2) == "torch.FloatTensor"
    assert isinstance(f.sum(), float) and f.sum() == 4.0


# --- unary math -------------------------------------------------------------------------------
def test_unary_functions_in_place_and_new():
    x = T([0.25, 1, 4])
    assert vals(torch.sqrt(x)) == [0.5, 1, 2]
    assert vals(x) == [0.25, 1, 4]
    y = x.clone()
    assert y.sqrt() is y and vals(y) == [0.5, 1, 2]
    r = torch.Tensor()
    assert r.log(x) is r and np.allclose(vals(r), [math.log(0.25), 0, math.log(4)])
    assert np.allclose(vals(torch.exp(T([0, 1]))), [1, math.e])
    assert np.allclose(vals(torch.sigmoid(T([0, 2]))), [0.5, 1 / (1 + math.exp(-2))])
    assert np.allclose(vals(torch.tanh(T([0.5]))), [math.tanh(0.5)])
    assert vals(torch.rsqrt(T([4]))) == [0.5]
    assert vals(torch.neg(T([1, -2]))) == [-1, 2]
    assert vals(torch.abs(T([-1.5, 2]))) == [1.5, 2]
    assert vals(torch.abs(torch.LongTensor([-3]))) == [3]
    assert vals(torch.sign(T([-2, 0, 3, float("nan")]))) == [-1, 0, 1, 0]
    assert torch.exp(0) == 1 and torch.sqrt(4) == 2 and torch.abs(-3) == 3


def test_rounding_follows_c():
    x = T([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 1.7, -1.7])
    assert vals(torch.round(x)) == [-3, -2, -1, 1, 2, 3, 2, -2]  # half away from zero
    assert vals(torch.floor(x))[-2:] == [1, -2]
    assert vals(torch.ceil(x))[-2:] == [2, -1]
    assert vals(torch.trunc(x))[-2:] == [1, -1]
    assert np.allclose(vals(torch.frac(T([1.25, -1.25]))), [0.25, -0.25])


def test_pow_forms():
    x = T([1, 2, 3])
    assert vals(torch.pow(x, 2)) == [1, 4, 9]
    assert vals(torch.pow(2, x)) == [2, 4, 8]
    assert torch.pow(2, 10) == 1024
    y = x.clone()
    assert y.pow(3) is y and vals(y) == [1, 8, 27]


def test_fmod_remainder_sign_rules():
    x = T([5.5, -5.5])
    assert vals(torch.fmod(x, 2)) == [1.5, -1.5]
    assert vals(torch.remainder(x, 2)) == [1.5, 0.5]
    assert vals(torch.cmod(x, T([2, 2]))) == [1.5, -1.5]


def test_clamp_cmax_cmin_lerp():
    x = T([-2, 0.5, 3])
    assert vals(torch.clamp(x, -1, 1)) == [-1, 0.5, 1]
    assert vals(torch.cmax(x, 0)) == [0, 0.5, 3]
    assert vals(torch.cmin(x, T([0, 0, 0]))) == [-2, 0, 0]
    y = x.clone()
    assert y.cmax(T([1, 1, 1])) is y and vals(y) == [1, 1, 3]
    assert vals(torch.lerp(T([0, 10]), T([10, 20]), 0.5)) == [5, 15]


def test_atan2_and_trig():
    assert np.allclose(vals(torch.atan2(T([1]), T([1]))), [math.pi / 4])
    assert np.allclose(vals(torch.cos(T([0]))), [1])
    assert np.allclose(vals(torch.asin(T([1]))), [math.pi / 2])


# --- reductions -------------------------------------------------------------------------------
def test_max_min_all_and_dim(a):
    assert a.max() == 6 and a.min() == 1
    v, i = a.min(1)
    assert vals(v) == [[1, 2, 3]] and vals(i) == [[1, 1, 1]]
    values, indices = torch.Tensor(), torch.LongTensor()
    r = torch.max(values, indices, a, 1)
    assert r[0] is values and r[1] is indices and vals(indices) == [[2, 2, 2]]
    assert torch.LongTensor([3, 9, 2]).max() == 9


def test_max_ties_take_first_index():
    _, i = T([[1, 3, 3]]).max(2)
    assert vals(i) == [[2]]


def test_prod_mean_std_var(a):
    assert a.prod() == 720
    assert vals(a.prod(1)) == [[4, 10, 18]]
    assert a.mean() == 3.5
    assert vals(a.mean(2)) == [[2], [5]]
    x = T([1, 2, 3, 4])
    assert x.var() == pytest.approx(5 / 3)
    assert x.var(True) == pytest.approx(1.25)
    assert x.std() == pytest.approx(math.sqrt(5 / 3))
    assert vals(a.std(2)) == [[1], [1]]
    assert np.allclose(vals(a.var(1, True)), [[2.25] * 3])


def test_cumsum_cumprod_default_first_dimension(a):
    assert vals(a.cumsum()) == [[1, 2, 3], [5, 7, 9]]
    assert vals(a.cumsum(2)) == [[1, 3, 6], [4, 9, 15]]
    assert vals(torch.cumprod(T([1, 2, 3]))) == [1, 2, 6]


def test_norm_dist_renorm():
    x = T([3, -4])
    assert x.norm() == 5 and x.norm(1) == 7 and x.norm(0) == 2
    m = T([[3, 4], [6, 8]])
    assert vals(m.norm(2, 2)) == [[5], [10]]
    assert torch.dist(T([1, 1]), T([4, 5])) == 5
    assert torch.dist(T([1, 1]), T([4, 5]), 1) == 7
    r = torch.renorm(m, 2, 1, 5)
    assert np.allclose(vals(r), [[3, 4], [3, 4]], atol=1e-6)
    assert vals(m) == [[3, 4], [6, 8]]


def test_median_mode_kthvalue_sort_topk():
    x = T([[3, 1, 2, 2], [9, 7, 8, 6]])
    v, i = x.median(2)
    # which of the two 2s is reported follows TH's quickselect: the later one here
    assert vals(v) == [[2], [7]] and vals(i) == [[4], [2]]
    v, i = torch.kthvalue(x, 1)
    assert vals(v) == [[1], [6]] and vals(i) == [[2], [4]]
    v, i = x.mode(2)
    assert vals(v)[0] == [2]
    v, i = torch.sort(T([3, 1, 2]))
    assert vals(v) == [1, 2, 3] and vals(i) == [2, 3, 1]
    v, i = torch.sort(T([3, 1, 2]), 1, True)
    assert vals(v) == [3, 2, 1] and vals(i) == [1, 3, 2]
    v, i = torch.topk(T([5, 1, 4, 2]), 2)  # the k smallest by default
    assert vals(v) == [1, 2] and vals(i) == [2, 4]
    v, i = torch.topk(T([5, 1, 4, 2]), 2, 1, True, True)
    assert vals(v) == [5, 4] and vals(i) == [1, 3]


def test_all_any_equal_trace_dot():
    assert torch.ByteTensor([1, 1]).all() and not torch.ByteTensor([1, 0]).all()
    assert torch.ByteTensor([0, 1]).any()
    assert torch.equal(T([1, 2]), T([1, 2])) and not T([1, 2]).equal(T([1, 3]))
    assert not torch.equal(T([1, 2]), T([[1, 2]]))
    assert T([[1, 2], [3, 4]]).trace() == 5
    assert torch.dot(T([1, 2]), T([3, 4])) == 11


# --- comparisons --------------------------------------------------------------------------------
def test_comparisons_byte_results_and_in_place_forms():
    x, y = T([1, 2, 3]), T([3, 2, 1])
    assert vals(torch.lt(x, y)) == [1, 0, 0]
    assert vals(x.le(2)) == [1, 1, 0]
    assert vals(x.eq(y)) == [0, 1, 0] and vals(x.ne(y)) == [1, 0, 1]
    assert vals(x.ge(y)) == [0, 1, 1]
    res = torch.Tensor()
    assert res.gt(x, 1) is res and torch.type(res) == "torch.DoubleTensor" and vals(res) == [0, 1, 1]
    b = torch.ByteTensor()
    assert b.eq(x, y) is b and vals(b) == [0, 1, 0]
    assert torch.eq(b, x, 3) is b and vals(b) == [0, 0, 1]


# --- matrix products ---------------------------------------------------------------------------
def test_mv_mm_bmm_ger():
    m = T([[1, 2], [3, 4]])
    v = T([1, 1])
    assert vals(torch.mv(m, v)) == [3, 7]
    res = torch.Tensor(5, 5)
    assert res.mm(m, m) is res and vals(res) == [[7, 10], [15, 22]]
    assert vals(torch.ger(T([1, 2]), T([1, 2, 3]))) == [[1, 2, 3], [2, 4, 6]]
    b = torch.Tensor(2, 2, 2).copy(torch.Tensor([[[1, 0], [0, 1]], [[2, 0], [0, 2]]]))
    r = torch.bmm(b, b)
    assert vals(r) == [[[1, 0], [0, 1]], [[4, 0], [0, 4]]]


def test_addmm_overloads():
    M = T([[1, 1], [1, 1]])
    m1, m2 = T([[1, 2], [3, 4]]), T([[1, 0], [0, 1]])
    assert vals(torch.addmm(M, m1, m2)) == [[2, 3], [4, 5]]
    assert vals(torch.addmm(2, M, 3, m1, m2)) == [[5, 8], [11, 14]]
    assert vals(torch.addmm(0, M, 1, m1, m2)) == [[1, 2], [3, 4]]
    out = M.clone()
    assert out.addmm(m1, m2) is out and vals(out) == [[2, 3], [4, 5]]
    out = M.clone()
    assert vals(out.addmm(0.5, m1, m2)) == [[1.5, 2], [2.5, 3]]  # self + alpha * m1 m2
    out = M.clone()
    assert vals(out.addmm(0, out, 1, m1, m2)) == [[1, 2], [3, 4]]  # nn.Linear's form
    out = torch.Tensor()
    assert vals(out.addmm(M, m1, m2)) == [[2, 3], [4, 5]]
    out = M.clone()
    assert vals(out.addmm(2, 3, m1, m2)) == [[5, 8], [11, 14]]  # beta, alpha


def test_addmm_ignores_nan_in_result_when_beta_is_zero():
    out = T([[float("nan")]])
    out.addmm(0, out, 1, T([[2]]), T([[3]]))
    assert vals(out) == [[6]]


def test_addmv_addr_addbmm_baddbmm():
    assert vals(torch.addmv(T([1, 1]), T([[1, 2], [3, 4]]), T([1, 1]))) == [4, 8]
    assert vals(torch.addmv(2, T([1, 1]), 0.5, T([[1, 2], [3, 4]]), T([2, 2]))) == [5, 9]
    r = torch.zeros(2, 2)
    assert r.addr(T([1, 2]), T([1, 1])) is r and vals(r) == [[1, 1], [2, 2]]
    b1 = torch.ones(3, 2, 4)
    b2 = torch.ones(3, 4, 5)
    assert vals(torch.addbmm(torch.zeros(2, 5), b1, b2)) == [[12] * 5] * 2
    assert vals(torch.baddbmm(torch.ones(3, 2, 5), b1, b2)) == [[[5] * 5] * 2] * 3


def test_cross_diag_tril_triu_eye():
    assert vals(torch.cross(T([1, 0, 0]), T([0, 1, 0]))) == [0, 0, 1]
    assert vals(torch.diag(T([1, 2]))) == [[1, 0], [0, 2]]
    assert vals(torch.diag(T([1, 2]), 1)) == [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
    assert vals(torch.diag(T([[1, 2], [3, 4]]))) == [1, 4]
    m = T([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert vals(torch.tril(m)) == [[1, 0, 0], [4, 5, 0], [7, 8, 9]]
    assert vals(torch.triu(m, 1)) == [[0, 2, 3], [0, 0, 6], [0, 0, 0]]
    assert vals(torch.eye(2)) == [[1, 0], [0, 1]]
    assert vals(torch.eye(2, 3)) == [[1, 0, 0], [0, 1, 0]]


# --- constructors ------------------------------------------------------------------------------
def test_range_step_logspace_zeros_typed():
    assert vals(torch.range(0, 1, 0.25)) == [0, 0.25, 0.5, 0.75, 1]
    assert vals(torch.range(5, 1, -2)) == [5, 3, 1]
    assert np.allclose(vals(torch.logspace(0, 2, 3)), [1, 10, 100])
    z = torch.zeros(2, "torch.LongTensor")
    assert torch.type(z) == "torch.LongTensor"
    t = torch.LongTensor()
    assert t.range(1, 3) is t and vals(t) == [1, 2, 3]
    assert vals(torch.zeros(torch.LongStorage([2, 1]))) == [[0], [0]]
    assert len(torch.linspace(0, 1)) == 100


def test_reshape_copies(a):
    r = a.reshape(3, 2)
    assert vals(r) == [[1, 2], [3, 4], [5, 6]]
    r.fill(0)
    assert a.sum() == 21
    assert vals(torch.reshape(a, 6)) == [1, 2, 3, 4, 5, 6]


def test_cat_pairs_tables_and_default_last_dimension():
    x, y = T([[1, 2]]), T([[3, 4]])
    assert vals(torch.cat(x, y)) == [[1, 2, 3, 4]]
    assert vals(torch.cat(x, y, 1)) == [[1, 2], [3, 4]]
    assert vals(torch.cat([x, y, x], 1)) == [[1, 2], [3, 4], [1, 2]]
    assert vals(torch.cat(T([1, 2]), T([3]))) == [1, 2, 3]
    res = torch.Tensor()
    assert torch.cat(res, [x, y], 2) is res and vals(res) == [[1, 2, 3, 4]]
    assert vals(torch.cat(T([1, 2]), T([3, 4]), 2)) == [[1, 3], [2, 4]]


def test_cat_skips_empty_tensors():
    assert vals(torch.cat([torch.Tensor(), T([1, 2])], 1)) == [1, 2]


def test_split_chunk_repeat_tensor():
    x = T([1, 2, 3, 4, 5])
    parts = x.split(2)
    assert [vals(p) for p in parts] == [[1, 2], [3, 4], [5]]
    parts[0].fill(0)
    assert vals(x)[:2] == [0, 0]  # views
    assert [vals(p) for p in torch.chunk(T([1, 2, 3, 4]), 2)] == [[1, 2], [3, 4]]
    assert vals(T([1, 2]).repeatTensor(2, 2)) == [[1, 2, 1, 2], [1, 2, 1, 2]]
    assert vals(torch.repeatTensor(T([[1], [2]]), 1, 2)) == [[1, 1], [2, 2]]


def test_histc():
    h = torch.histc(T([1, 2, 1, 4]), 4, 1, 4)
    assert vals(h) == [2, 1, 0, 1]
    assert h.size(1) == 4 and len(torch.histc(T([1, 2]))) == 100


# --- indexing operations ----------------------------------------------------------------------
def test_index_copy_add_fill():
    x = torch.zeros(3, 2)
    idx = torch.LongTensor([3, 1])
    assert x.indexCopy(1, idx, T([[1, 2], [3, 4]])) is x
    assert vals(x) == [[3, 4], [0, 0], [1, 2]]
    x.indexAdd(1, torch.LongTensor([1, 1]), T([[1, 1], [1, 1]]))
    assert vals(x)[0] == [5, 6]
    x.indexFill(2, torch.LongTensor([2]), -1)
    assert vals(x) == [[5, -1], [0, -1], [1, -1]]


def test_gather_scatter():
    src = T([[1, 2], [3, 4]])
    g = src.gather(2, torch.LongTensor([[2, 1], [1, 1]]))
    assert vals(g) == [[2, 1], [3, 3]]
    out = torch.zeros(2, 2)
    out.scatter(2, torch.LongTensor([[2], [1]]), T([[7], [8]]))
    assert vals(out) == [[0, 7], [8, 0]]
    out.scatter(1, torch.LongTensor([[1, 2]]), 5)
    assert vals(out) == [[5, 7], [8, 5]]


def test_masked_fill_copy_and_nonzero():
    x = T([[1, 2], [3, 4]])
    mask = x.gt(2)
    assert x.clone().maskedFill(mask, 0)._a.tolist() == [[1, 2], [0, 0]]
    y = x.clone().maskedCopy(mask, T([9, 8, 7]))
    assert vals(y) == [[1, 2], [9, 8]]
    nz = torch.nonzero(T([[0, 1], [1, 0]]))
    assert torch.type(nz) == "torch.LongTensor" and vals(nz) == [[1, 2], [2, 1]]
    assert vals(T([0, 3, 0, 4]).nonzero()) == [[2], [4]]


def test_map_map2():
    x, y, z = T([1, 2]), T([10, 20]), T([100, 200])
    assert x.map(y, lambda a, b: a + b) is x and vals(x) == [11, 22]
    x.map2(y, z, lambda a, b, c: a + b + c)
    assert vals(x) == [121, 242]
    x.apply(lambda v: None)  # returning nothing keeps the element
    assert vals(x) == [121, 242]


# --- linear algebra ---------------------------------------------------------------------------
def test_gesv_inverse_potrf():
    A = T([[2, 1], [1, 3]])
    B = T([[3], [5]])
    X, _ = torch.gesv(B, A)
    assert np.allclose(vals(torch.mm(A, X)), vals(B))
    inv = torch.inverse(A)
    assert np.allclose(vals(torch.mm(A, inv)), [[1, 0], [0, 1]])
    U = torch.potrf(A)
    assert np.allclose(vals(torch.mm(U.t(), U)), vals(A))
    assert vals(U)[1][0] == 0  # upper triangle by default


def test_svd_symeig_eig_qr():
    A = T([[3, 1], [1, 3]])
    U, S, V = torch.svd(A)
    assert np.allclose(vals(torch.mm(torch.mm(U, torch.diag(S)), V.t())), vals(A))
    e, vecs = torch.symeig(A, "V")
    assert np.allclose(vals(torch.mm(A, vecs)), vals(torch.mm(vecs, torch.diag(e))))
    assert np.allclose(vals(e), [2, 4])
    e, _ = torch.eig(A)
    assert e.size().totable() == [2, 2] and sorted(r[0] for r in vals(e)) == pytest.approx([2, 4])
    Q, R = torch.qr(T([[1, 2], [3, 4], [5, 6]]))
    assert Q.size().totable() == [3, 2] and R.size().totable() == [2, 2]
    assert np.allclose(vals(torch.mm(Q, R)), [[1, 2], [3, 4], [5, 6]])


# --- examples from Torch7's doc/maths.md -------------------------------------------------------
def test_doc_examples_element_count_not_shape():
    x = torch.Tensor(2, 2).fill(2)
    y = torch.Tensor(4).fill(3)
    assert vals(x.clone().add(2, y)) == [[8, 8], [8, 8]]
    assert vals(x.clone().csub(y)) == [[-1, -1], [-1, -1]]
    assert vals(x.clone().cpow(y)) == [[8, 8], [8, 8]]
    z = torch.Tensor(2, 2).fill(5)
    assert vals(x.clone().addcmul(2, y, z)) == [[32, 32], [32, 32]]
    assert x.dot(y) == 24
    assert vals(x + y) == [[5, 5], [5, 5]]
    assert vals(y - x) == [1, 1, 1, 1]  # the size of the first operand


def test_doc_examples_addcdiv_addr():
    x = torch.Tensor(2, 2).fill(1)
    x.addcdiv(2, torch.range(1, 4), torch.Tensor(2, 2).fill(5))
    assert np.allclose(vals(x), [[1.4, 1.8], [2.2, 2.6]])
    v1, v2 = torch.range(1, 3), torch.range(1, 2)
    M = torch.Tensor(3, 2).zero()
    assert vals(M.addr(v1, v2)) == [[1, 2], [2, 4], [3, 6]]
    assert vals(M.addr(2, 1, v1, v2)) == [[3, 6], [6, 12], [9, 18]]
    A = torch.range(1, 6).resize(3, 2)
    assert vals(M.addr(2, A, 1, v1, v2)) == [[3, 6], [8, 12], [13, 18]]
    x = torch.Tensor(3).fill(0)
    assert vals(x.addmv(torch.Tensor(3, 2).fill(3), torch.Tensor(2).fill(2))) == [12, 12, 12]


def test_doc_examples_operators():
    M = torch.Tensor(2, 2).fill(2)
    N = torch.Tensor(2, 4).fill(3)
    x, y = torch.Tensor(2).fill(4), torch.Tensor(2).fill(5)
    assert x * y == 40
    assert vals(M * x) == [16, 16]
    assert vals(M * N) == [[12] * 4] * 2
    assert vals(-M) == [[-2, -2], [-2, -2]]
    assert vals(5 - x) == [1, 1] and vals(2 * x) == [8, 8] and vals(1 + x) == [5, 5]
    assert np.allclose(vals(M / 3), [[2 / 3] * 2] * 2)


def test_doc_examples_cumprod_prod_range_median():
    A = torch.LongTensor([[1, 4, 7], [2, 5, 8], [3, 6, 9]])
    assert vals(torch.cumprod(A)) == [[1, 4, 7], [2, 20, 56], [6, 120, 504]]
    assert vals(torch.cumprod(A, 2)) == [[1, 4, 28], [2, 10, 80], [3, 18, 162]]
    assert torch.type(torch.cumprod(A)) == "torch.LongTensor"
    a = torch.Tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
    assert vals(torch.prod(a, 1)) == [[[5, 12], [21, 32]]]
    assert vals(torch.prod(a, 3)) == [[[2], [12]], [[30], [56]]]
    assert np.allclose(vals(torch.range(2, 5, 1.2)), [2, 3.2, 4.4])
    x = T([[0.7860, 0.7687, -0.9362], [0.0411, 0.5407, -0.3616], [-0.0129, -0.2499, -0.5786]])
    y, i = torch.median(x)
    assert vals(y) == [[0.7687], [0.0411], [-0.2499]] and vals(i) == [[2], [1], [2]]
    y, i = torch.median(x, 1)
    assert vals(y) == [[0.0411, 0.5407, -0.5786]] and vals(i) == [[2, 2, 3]]


def test_doc_examples_cat():
    assert vals(torch.cat(torch.ones(3), torch.zeros(2))) == [1, 1, 1, 0, 0]
    assert torch.cat(torch.ones(3, 2), torch.zeros(2, 2), 1).size().totable() == [5, 2]
    assert vals(torch.cat(torch.ones(2, 2), torch.zeros(2, 2), 2)) == [[1, 1, 0, 0], [1, 1, 0, 0]]


def test_conv2_xcorr2_sizes_and_values():
    x = torch.Tensor(np.arange(16.0).reshape(4, 4))
    k = T([[1, 0], [0, 2]])
    assert vals(torch.conv2(x, k))[0] == [5, 8, 11]  # kernel flipped
    assert vals(torch.xcorr2(x, k))[0] == [10, 13, 16]
    assert torch.conv2(torch.Tensor(10, 10).zero(), torch.Tensor(3, 3).zero(), "F").size().totable() == [12, 12]
    planes = torch.conv2(torch.ones(2, 4, 4), torch.ones(3, 2, 2, 2))
    assert planes.size().totable() == [3, 3, 3] and planes.max() == 8
    assert torch.conv3(torch.ones(3, 3, 3), torch.ones(2, 2, 2)).size().totable() == [2, 2, 2]


def test_numel_real_and_functional_fill():
    t = torch.FloatTensor(2, 3)
    assert torch.numel(t) == 6
    assert torch.fill(t, 2) is t and t.sum() == 12
    assert torch.type(t.real()) == "torch.DoubleTensor"


def test_sums_accumulate_in_th_order():
    # one running accumulator, as TH: the ones are absorbed by 1e16 before it cancels
    values = [1e16] + [1] * 7 + [-1e16] + [0] * 7
    assert float(np.sum(values)) != 0  # numpy's pairwise order would give another answer
    t = T(values)
    assert t.sum() == 0
    assert vals(T([values, values]).sum(2)) == [[0], [0]]
    assert t.mean() == 0


def test_var_std_along_dimension_use_th_formula():
    x = T([[1, 2, 3, 4], [2, 2, 2, 2]])
    assert np.allclose(vals(x.var(2)), [[5 / 3], [0]])
    assert np.allclose(vals(x.std(2, True)), [[math.sqrt(1.25)], [0]])
    f = torch.FloatTensor([[1, 2], [3, 4]])
    assert torch.type(f.mean(1)) == "torch.FloatTensor" and vals(f.mean(1)) == [[2, 3]]


def test_match_squared_distances():
    r = torch.match(T([[0, 0], [1, 1]]), T([[1, 0]]), 2)
    assert vals(r) == [[2], [2]]


# --- agreement with numpy on random shapes, contiguous or not ---------------------------------
_arrays = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=5),
                     elements=st.floats(-100, 100, allow_nan=False))


@settings(max_examples=40, deadline=None)
@given(_arrays, st.booleans(), st.integers(1, 3))
def test_elementwise_and_reductions_agree_with_numpy(arr, transpose, dim):
    t = torch.Tensor(arr.copy())
    if transpose:  # a strided view
        t = t.transpose(1, 2)
        arr = np.swapaxes(arr, 0, 1)
    dim = min(dim, t.dim())
    assert np.allclose(vals(torch.add(t, 2, t)), arr * 3)
    assert np.allclose(vals(torch.cmul(t, t)), arr * arr)
    assert np.allclose(vals(t.sum(dim)), arr.sum(axis=dim - 1, keepdims=True))
    v, i = t.max(dim)
    assert np.allclose(vals(v), arr.max(axis=dim - 1, keepdims=True))
    picked = np.take_along_axis(arr, np.asarray(i._a) - 1, axis=dim - 1)
    assert np.allclose(picked, vals(v))
    assert t.sum() == pytest.approx(arr.sum(), rel=1e-12, abs=1e-9)
    assert np.allclose(vals(t.clone().clamp(-10, 10)), np.clip(arr, -10, 10))


def test_sort_with_ties_beyond_insertion_sort_size_is_consistent():
    data = [3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 0, 5]
    for descending in (False, True):
        v, i = torch.sort(T(data), 1, descending)
        got, idx = vals(v), [k - 1 for k in vals(i)]
        assert got == sorted(data, reverse=descending)
        assert sorted(idx) == list(range(len(data))) and [data[k] for k in idx] == got


def test_sort_small_slices_keep_ties_in_order_as_th_insertion_sort():
    _, i = torch.sort(T([2, 1, 2, 1]))
    assert vals(i) == [2, 4, 1, 3]
    _, i = torch.sort(T([2, 1, 2, 1]), 1, True)
    assert vals(i) == [1, 3, 2, 4]


def test_topk_unsorted_follows_quickselect_and_selects_right_set():
    data = [9, 4, 7, 1, 8, 2, 6, 3, 5, 0, 11, 10, 12]
    v, i = torch.topk(T(data), 4)
    assert sorted(vals(v)) == [0, 1, 2, 3] and [data[k - 1] for k in vals(i)] == vals(v)
    v, i = torch.topk(T(data), 3, 1, True, True)
    assert vals(v) == [12, 11, 10] and vals(i) == [13, 11, 12]


def test_apply_keeps_long_precision_and_casts_like_c():
    t = torch.LongTensor([2**60, 3])
    t.apply(lambda x: x + 1)
    assert vals(t) == [2**60 + 1, 4]
    t.apply(lambda x: -2.7)
    assert vals(t) == [-2, -2]


def test_bitwise_and_shifts():
    assert vals(torch.lshift(torch.LongTensor([1, 3]), 2)) == [4, 12]
    assert vals(torch.rshift(T([8]), 1)) == [4]  # floating types: x / 2^y
    assert vals(torch.bitand(torch.IntTensor([6]), 3)) == [2]
    assert vals(torch.cbitxor(torch.ByteTensor([5]), torch.ByteTensor([1]))) == [4]
    res = torch.Tensor()
    with pytest.raises(TypeError, match="only supported for integer"):
        torch.bitand(res, T([1]), 1)
    assert res.dim() == 0


def test_lapack_results_may_be_the_inputs_and_inputs_stay_unchanged():
    a = T([[6.80, -2.11, 5.66], [-6.05, -3.30, 5.36], [-0.45, 2.58, -2.70]]).t().clone()
    b = T([[4.02, 6.19, -8.22], [-1.56, 4.00, -8.67]]).t().clone()
    x, _ = torch.gesv(b, a)
    assert b.dist(a * x) < 1e-12
    a2, b2 = a.clone(), b.clone()
    torch.gesv(b2, a2, b2, a2)
    assert np.allclose(vals(b2), vals(x))
    # overdetermined least squares: X has A's column count as rows
    A = T([[1.44, -9.96, -7.55], [-7.84, -0.28, 3.24], [-4.39, -3.24, 6.27], [4.53, 3.83, -6.64]])
    B = T([[8.58, 8.26], [9.35, -4.43], [-0.70, -0.26], [1, 2]])
    A0, B0 = A.clone(), B.clone()
    X, _ = torch.gels(B, A)
    assert X.size().totable() == [3, 2]
    assert A.equal(A0) and B.equal(B0)
    normal = torch.mm(A.t(), torch.mm(A, X) - B)  # the residual is orthogonal to A's columns
    assert np.allclose(vals(normal), 0, atol=1e-9)


def test_split_into_a_result_table():
    result = {}
    out = torch.split(result, T([1, 2, 3]), 2)
    assert out is result and [vals(result[k]) for k in (1, 2)] == [[1, 2], [3]]
    parts = []
    assert torch.chunk(parts, T([1, 2, 3, 4]), 2) is parts and len(parts) == 2
