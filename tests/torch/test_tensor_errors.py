"""Bad input: Torch7's wording where it has one, and the tensor left as it was."""
import pytest

from luatorch import torch


def T(rows):
    return torch.Tensor(rows)


def test_index_out_of_range_leaves_tensor_alone():
    t = T([1, 2, 3])
    with pytest.raises(IndexError, match="index out of range"):
        t[4]
    with pytest.raises(IndexError, match="index out of range"):
        t[4] = 1
    with pytest.raises(IndexError, match="index out of range"):
        t[0]
    with pytest.raises(IndexError, match="index out of range"):
        T([[1, 2]])[([1, 3],)]
    assert t._a.tolist() == [1, 2, 3]


def test_too_many_indices():
    with pytest.raises(IndexError, match="too many indices"):
        T([1, 2])[(1, 1)]


def test_inconsistent_tensor_size_in_element_wise_ops():
    x = T([1, 2, 3])
    with pytest.raises(ValueError, match=r"inconsistent tensor size.*\[3\].*\[2\]"):
        x.add(T([1, 2]))
    with pytest.raises(ValueError, match="inconsistent tensor size"):
        x.cmul(T([1, 2]))
    assert x._a.tolist() == [1, 2, 3]


def test_assignment_of_wrong_size_tensor_leaves_tensor_alone():
    x = T([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="inconsistent tensor size"):
        x[1] = T([9, 9, 9])
    assert x._a.tolist() == [[1, 2], [3, 4]]


def test_size_mismatch_in_products_names_sizes():
    with pytest.raises(ValueError, match=r"size mismatch, m1: \[2 x 3\], m2: \[2 x 3\]"):
        torch.mm(torch.Tensor(2, 3), torch.Tensor(2, 3))
    with pytest.raises(ValueError, match=r"size mismatch, \[2 x 3\], \[2\]"):
        torch.mv(torch.Tensor(2, 3), torch.Tensor(2))
    with pytest.raises(ValueError, match="matrices expected, got 1D, 2D"):
        torch.mm(torch.Tensor(2), torch.Tensor(2, 2))
    out = T([[1, 1]])
    with pytest.raises(ValueError, match=r"size mismatch, t: \[1 x 2\], m1: \[2 x 2\], m2: \[2 x 2\]"):
        out.addmm(torch.Tensor(2, 2), torch.Tensor(2, 2))
    assert out._a.tolist() == [[1, 1]]


def test_operator_product_of_unsupported_dimensions():
    with pytest.raises(ValueError, match="multiplication between 3D and 1D"):
        torch.Tensor(2, 2, 2) * torch.Tensor(2)


def test_mixed_tensor_types_are_rejected_with_expected_arguments():
    d, f = T([1, 2]), torch.FloatTensor([1, 2])
    with pytest.raises(TypeError, match="invalid arguments: DoubleTensor FloatTensor"):
        torch.add(d, f)
    with pytest.raises(TypeError, match="invalid arguments: DoubleTensor FloatTensor\nexpected arguments"):
        d.cmul(f)
    with pytest.raises(TypeError):
        d + f
    assert d._a.tolist() == [1, 2]


def test_float_only_functions_on_integer_tensors():
    with pytest.raises(TypeError, match="FloatTensor and DoubleTensor only"):
        torch.LongTensor([1]).log()
    with pytest.raises(TypeError, match="FloatTensor and DoubleTensor only"):
        torch.LongTensor([1]).mean()


def test_dimension_out_of_range():
    with pytest.raises(IndexError, match="dimension 3 out of range of 2D tensor"):
        torch.Tensor(2, 2).sum(3)
    with pytest.raises(IndexError, match="dimension"):
        torch.max(torch.Tensor(2), 2)


def test_index_ops_out_of_range():
    with pytest.raises(IndexError, match="index out of range"):
        T([1, 2]).index(1, torch.LongTensor([3]))
    x = T([1, 2])
    with pytest.raises(IndexError, match="index out of range"):
        x.indexFill(1, torch.LongTensor([1, 5]), 0)
    assert x._a.tolist() == [1, 2]


def test_mask_size_mismatch():
    with pytest.raises(ValueError, match="sizes do not match"):
        T([1, 2, 3]).maskedSelect(torch.ByteTensor([1, 0]))
    with pytest.raises(TypeError):
        T([1, 2]).maskedSelect(T([1, 0]))  # the mask must be a ByteTensor


def test_integer_division_by_zero_is_an_error():
    x = torch.LongTensor([1, 2])
    with pytest.raises(ZeroDivisionError):
        x.div(0)
    assert x._a.tolist() == [1, 2]


def test_cat_inconsistent_sizes():
    with pytest.raises(ValueError, match="inconsistent tensor sizes"):
        torch.cat(torch.Tensor(2, 3), torch.Tensor(3, 3), 2)


def test_range_with_incoherent_step():
    with pytest.raises(ValueError, match="incoherent with step sign"):
        torch.range(1, 5, -1)


def test_reductions_on_empty_tensor():
    with pytest.raises(ValueError, match="empty"):
        torch.Tensor().max()


def test_division_of_number_by_tensor_is_unsupported():
    with pytest.raises(TypeError, match="tensor / number"):
        2 / T([1])


def test_failed_integer_division_does_not_resize_the_result():
    res = torch.LongTensor()
    with pytest.raises(ZeroDivisionError):
        torch.cdiv(res, torch.LongTensor([4, 6]), torch.LongTensor([2, 0]))
    assert res.dim() == 0
