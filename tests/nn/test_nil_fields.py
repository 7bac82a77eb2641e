"""A field that was never set reads as nil (None), as a Lua table's does: Torch7 files omit
nil fields, so modules read back from a file must still answer for them."""
import pytest

from luatorch import nn, torch


def test_missing_field_reads_none():
    m = nn.Linear(2, 3)
    assert m.someFieldNobodySet is None
    with pytest.raises(AttributeError):
        m.__no_such_dunder__


@pytest.mark.parametrize("make", [lambda: nn.SplitTable(1), lambda: nn.Sum(1), lambda: nn.Max(1),
                                  lambda: nn.Squeeze(), lambda: nn.Mean(1)])
def test_modules_with_nil_fields_work_after_a_file_round_trip(make):
    m = make()
    x = torch.Tensor([[1, 2, 3], [4, 5, 6]])
    before = m.forward(x)
    back = torch.deserialize(torch.serialize(m))
    after = back.forward(x)
    if isinstance(before, torch.Tensor):
        assert after._a.tolist() == before._a.tolist()
    else:
        assert [t._a.tolist() for t in after] == [t._a.tolist() for t in before]
