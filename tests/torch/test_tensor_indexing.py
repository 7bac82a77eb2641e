"""Lua's t[k] / t[k] = v on tensors (Torch7's __index__/__newindex__), len and iteration.

A Lua key table {2, {1, 3}, {}} reaches Python as the tuple (2, [1, 3], [])."""
import pytest

from luatorch import torch


@pytest.fixture
def a():
    return torch.Tensor([[1, 2, 3], [4, 5, 6]])


def test_number_index_gives_element_of_vector_and_view_of_matrix(a):
    row = a[2]
    assert row._a.tolist() == [4, 5, 6] and row.storage() is a.storage()
    assert row[3] == 6 and isinstance(row[3], float)
    assert torch.LongTensor([7, 8])[1] == 7 and isinstance(torch.LongTensor([7])[1], int)


def test_table_index_selects_and_narrows(a):
    assert a[(2, 3)] == 6
    sub = a[([], [2, 3])]
    assert sub._a.tolist() == [[2, 3], [5, 6]] and sub.storage() is a.storage()
    assert a[([2],)]._a.tolist() == [[4, 5, 6]]  # {2} as a range keeps the dimension
    assert a[(2,)]._a.tolist() == [4, 5, 6]
    assert a[([1, 2], 2)]._a.tolist() == [2, 5]
    whole = a[()]
    assert whole is not a and whole.storage() is a.storage() and whole._a.tolist() == a._a.tolist()


def test_bare_list_is_one_range(a):
    assert a[[2, 2]]._a.tolist() == [[4, 5, 6]]


def test_negative_indices_count_from_the_end(a):
    assert a[-1]._a.tolist() == [4, 5, 6]
    assert a[(-1, -1)] == 6
    assert a[([], [-2, -1])]._a.tolist() == [[2, 3], [5, 6]]


def test_mask_and_long_tensor_keys(a):
    assert a[a.gt(4)]._a.tolist() == [5, 6]
    assert a[torch.LongTensor([2, 1])]._a.tolist() == [[4, 5, 6], [1, 2, 3]]


def test_assignments_write_through(a):
    a[(1, 1)] = 10
    assert a._a[0, 0] == 10
    a[2] = 0
    assert a._a.tolist() == [[10, 2, 3], [0, 0, 0]]
    a[([], [2, 3])] = torch.Tensor([[7, 8], [9, 9]])
    assert a._a.tolist() == [[10, 7, 8], [0, 9, 9]]
    a[[1, 1]] = 1
    assert a._a.tolist() == [[1, 1, 1], [0, 9, 9]]
    v = torch.Tensor([1, 2, 3])
    v[2] = 20
    v[-1] = 30
    assert v._a.tolist() == [1, 20, 30]


def test_mask_and_index_assignment(a):
    a[a.gt(4)] = 0
    assert a._a.tolist() == [[1, 2, 3], [4, 0, 0]]
    a[a.eq(0)] = torch.Tensor([8, 9])
    assert a._a.tolist() == [[1, 2, 3], [4, 8, 9]]
    a[torch.LongTensor([1])] = -1
    assert a._a.tolist() == [[-1, -1, -1], [4, 8, 9]]
    a[torch.LongTensor([2])] = torch.Tensor([[0, 0, 0]])
    assert a._a.tolist() == [[-1, -1, -1], [0, 0, 0]]


def test_assignment_casts_to_the_tensor_type():
    t = torch.LongTensor([0, 0])
    t[1] = 2.9
    assert t._a.tolist() == [2, 0]


def test_len_and_iteration(a):
    assert len(a) == 2 and len(torch.Tensor()) == 0
    rows = [r._a.tolist() for r in a]
    assert rows == [[1, 2, 3], [4, 5, 6]]
    assert list(torch.Tensor([1, 2])) == [1, 2]


def test_string_key_reads_a_method(a):
    assert a["size"](1) == 2


def test_numpy_asarray_views_the_elements(a):
    import numpy as np

    view = np.asarray(a)
    view[0, 0] = 9
    assert a[(1, 1)] == 9
    assert np.asarray(a, dtype=np.int64).dtype == np.int64
