"""Tensor geometry: views share storage, 1-based dimensions, Torch7's contiguity rule."""
import numpy as np
import pytest

from luatorch import torch


def test_default_type_is_double():
    t = torch.Tensor(2, 3)
    assert torch.type(t) == "torch.DoubleTensor"
    assert t.size(1) == 2 and t.size(2) == 3 and t.dim() == 2 and t.nElement() == 6


def test_views_share_storage():
    t = torch.Tensor(2, 3).zero()
    t.narrow(2, 2, 2).fill(1)
    t.select(1, 2).fill(7)
    assert t._a.tolist() == [[0, 1, 1], [7, 7, 7]]
    v = t.view(3, 2)
    v.fill(5)
    assert t._a.sum() == 30 and v.storage() is t.storage()


def test_transpose_is_not_contiguous_and_clone_is():
    t = torch.Tensor([[1, 2, 3], [4, 5, 6]])
    tt = t.t()
    assert not tt.isContiguous()
    assert tt.clone().isContiguous()
    assert tt._a.tolist() == [[1, 4], [2, 5], [3, 6]]


def test_size_one_dims_ignored_by_is_contiguous():
    t = torch.Tensor(3, 1)
    assert t.transpose(1, 2).isContiguous()


def test_squeeze_keeps_one_dimension():
    t = torch.Tensor(1, 1)
    t.squeeze()
    assert t.dim() == 1 and t.size(1) == 1


def test_copy_across_types_and_shapes():
    a = torch.LongTensor([1, 2, 3, 4])
    b = torch.Tensor(2, 2).copy(a)
    assert b._a.tolist() == [[1, 2], [3, 4]]
    with pytest.raises(ValueError, match="inconsistent tensor size"):
        torch.Tensor(3).copy(a)


def test_narrow_out_of_range_names_sizes_and_leaves_tensor_alone():
    t = torch.Tensor(2, 3).fill(1)
    with pytest.raises(IndexError, match="out of range"):
        t.narrow(2, 3, 2)
    assert t._a.shape == (2, 3) and (t._a == 1).all()


def test_storage_resize_seen_by_views():
    t = torch.Tensor(2)
    s = t.storage()
    t.resize(4)
    assert s.size() == 4 and t.storage() is s
    t.fill(3)
    assert s.data.tolist() == [3, 3, 3, 3]


def test_numpy_shares_memory():
    arr = np.zeros((2, 2))
    t = torch.Tensor(arr)
    t.fill(2)
    assert arr.sum() == 8


def test_result_forms_of_view_and_expand():
    src = torch.Tensor(15).fill(1)
    res = torch.Tensor()
    assert res.view(src, 3, 5) is res and res.size().totable() == [3, 5]
    assert res.storage() is src.storage()
    assert res.viewAs(src, torch.Tensor(5, 3)).size().totable() == [5, 3]
    col = torch.Tensor(8, 1).fill(2)
    out = torch.Tensor()
    assert out.expand(col, 8, 5) is out and out.size().totable() == [8, 5] and out.stride(2) == 0
    assert out.expandAs(col, torch.Tensor(8, 4)).size().totable() == [8, 4]
    assert col.expand(torch.LongStorage([8, 3])).size().totable() == [8, 3]
    assert torch.totable(torch.Tensor([[1, 2]])) == [[1, 2]]


def test_long_storage_gives_sizes_except_to_a_long_tensor():
    # Torch7: a storage of the tensor's own type is viewed, a LongStorage otherwise gives sizes
    t = torch.DoubleTensor(torch.LongStorage([2, 3]))
    assert t.size().totable() == [2, 3]
    t = torch.FloatTensor(torch.LongStorage([2, 3]), torch.LongStorage([1, 2]))
    assert t._stride == (1, 2)
    s = torch.LongStorage([4, 5])
    v = torch.LongTensor(s)
    assert v.storage() is s and v._a.tolist() == [4, 5]
    with pytest.raises(TypeError, match="LongStorage of sizes"):
        torch.DoubleTensor(torch.FloatStorage(3))


def test_deepcopy_gets_its_own_memory_and_keeps_sharing():
    import copy

    base = torch.Tensor([1, 2, 3, 4])
    base._a  # build the cached numpy view before copying
    view = base.narrow(1, 2, 2)
    a, b = copy.deepcopy([base, view])
    a.fill(0)
    assert base._a.tolist() == [1, 2, 3, 4]  # the original is untouched
    assert b._a.tolist() == [0, 0]  # the copied view still views the copied storage


def test_char_storage_string_round_trip():
    s = torch.CharStorage().string("hello")
    assert s.size() == 5 and s[1] == ord("h")
    assert s.string() == "hello"
    assert torch.ByteStorage([0, 255]).string() == b"\x00\xff"
    with pytest.raises(TypeError, match="Char and Byte"):
        torch.DoubleStorage(2).string()


def test_set_refuses_a_tensor_of_another_type():
    t = torch.DoubleTensor(2).fill(1)
    with pytest.raises(TypeError, match="expected a torch.DoubleTensor, got torch.LongTensor"):
        t.set(torch.LongTensor([1, 2]))
    assert t._a.tolist() == [1, 1]
