"""optim.ConfusionMatrix: counting, scores and Torch7's text."""

import math

import numpy as np
import pytest

from luatorch import optim, torch


def test_counts_and_text_with_class_names():
    cm = optim.ConfusionMatrix(["cat", "dog"])
    assert cm.nclasses == 2 and cm.mat.type() == "torch.LongTensor"
    for p, t in [(1, 1), (1, 1), (1, 1), (2, 1), (2, 2), (2, 2)]:
        cm.add(p, t)
    np.testing.assert_array_equal(cm.mat._a, [[3, 1], [0, 2]])
    expected = (
        "ConfusionMatrix:\n"
        "[[       3       1]   75.000% \t[class: cat]\n"
        " [       0       2]]  100.000% \t[class: dog]\n"
        " + average row correct: 87.5% \n"
        # unionvalids are a FloatTensor: 2/3 is stored as float32 before being averaged
        " + average rowUcol correct (VOC measure): 70.833334326744% \n"
        " + global correct: 83.333333333333%"
    )
    assert str(cm) == expected
    assert cm.__tostring__() == expected
    assert cm.totalValid == pytest.approx(5 / 6)
    assert cm.averageValid == pytest.approx(0.875)
    assert cm.valids.type() == "torch.FloatTensor"


def test_text_without_names_and_class_without_samples():
    cm = optim.ConfusionMatrix(3)
    cm.add(1, 1)
    cm.add(3, 2)
    text = str(cm)
    lines = text.split("\n")
    assert lines[1] == "[[       1       0       0]   100.000% "
    assert lines[2] == " [       0       0       1]   0.000% "
    assert lines[3] == " [       0       0       0]]  nan% "
    # the class without samples is left out of the averages
    assert lines[4] == " + average row correct: 50% "
    assert lines[6] == " + global correct: 50%"
    assert math.isnan(cm.valids._a[2])


def test_wide_counts_widen_the_columns():
    cm = optim.ConfusionMatrix(2)
    cm.mat._a[...] = [[123456789, 0], [1, 5]]
    line = str(cm).split("\n")[1]
    assert line.startswith("[[ 123456789         0]")  # width 1 + ceil(log10(max))


def test_add_with_vectors_and_batch_add():
    cm = optim.ConfusionMatrix(4)
    cm.add(torch.Tensor([0.1, 0.7, 0.1, 0.1]), 2)  # argmax prediction, index target
    cm.add(torch.Tensor([0.1, 0.2, 0.6, 0.1]), torch.Tensor([0, 0, 0, 1]))  # one-hot target
    cm.add(torch.Tensor([0.3, 0.3, 0.2, 0.2]), 1)  # ties go to the first maximum
    preds = torch.Tensor([[0.9, 0.0, 0.1, 0.0], [0.0, 0.0, 0.0, 1.0], [0.2, 0.5, 0.3, 0.0]])
    cm.batchAdd(preds, torch.Tensor([1, 4, 3]))
    cm.batchAdd(torch.Tensor([2, 2]), torch.Tensor([[0, 1, 0, 0], [0, 0, 0, 1]]))
    cm.add(3, 0)  # a non-positive target is a missing label: ignored
    expected = np.zeros((4, 4), dtype=np.int64)
    for t, p in [(2, 2), (4, 3), (1, 1), (1, 1), (4, 4), (3, 2), (2, 2), (4, 2)]:
        expected[t - 1, p - 1] += 1
    np.testing.assert_array_equal(cm.mat._a, expected)
    assert int(cm.mat._a.sum()) == 8


def test_zero_and_update_valids():
    cm = optim.ConfusionMatrix(2, ["a", "b"])
    cm.batchAdd(torch.Tensor([1, 2, 2]), torch.Tensor([1, 2, 1]))
    cm.updateValids()
    np.testing.assert_allclose(cm.valids._a, [0.5, 1.0])
    np.testing.assert_allclose(cm.unionvalids._a, [0.5, 0.5])
    assert cm.averageUnionValid == pytest.approx(0.5)
    cm.zero()
    assert int(cm.mat._a.sum()) == 0 and cm.totalValid == 0 and cm.averageValid == 0


def test_far_frr_of_identity_is_zero():
    cm = optim.ConfusionMatrix(3)
    cm.mat._a[...] = np.eye(3, dtype=np.int64)
    class_frrs, class_fars, frrs, _fars = cm.farFrr()
    assert float(class_frrs._a.sum() + class_fars._a.sum()) == 0
    assert frrs.nElement() == 3


def test_bad_class_indices_are_errors_and_leave_counts_alone():
    cm = optim.ConfusionMatrix(3)
    with pytest.raises(IndexError, match="out of range"):
        cm.add(4, 1)
    with pytest.raises(IndexError, match="out of range"):
        cm.batchAdd(torch.Tensor([1, 2]), torch.Tensor([1, 5]))
    with pytest.raises(TypeError):
        cm.add(1, "one")
    assert int(cm.mat._a.sum()) == 0
    with pytest.raises(ValueError, match="invalid number of dimensions"):
        cm.batchAdd(torch.Tensor(2, 2, 2), torch.Tensor([1, 2]))


def test_typename():
    assert torch.type(optim.ConfusionMatrix(2)) == "optim.ConfusionMatrix"


@pytest.mark.parametrize("sortmode", ["score", "occurrence"])
def test_render_is_an_image_of_the_matrix(sortmode):
    cm = optim.ConfusionMatrix(["cat", "dog", "bird"])
    cm.batchAdd(torch.Tensor([1, 1, 2, 2, 2, 3, 1]), torch.Tensor([1, 1, 2, 2, 3, 3, 3]))
    image = cm.render(sortmode, False, 20, 150)
    assert image.type() == "torch.DoubleTensor"
    assert tuple(image.size()) == (3, 60, 60 + 150)
    a = image._a
    assert a.min() >= 0 and a.max() <= 1
    assert float(a[:, :, 60:].mean()) < 0.3  # the legend column is on black
    # first diagonal cell: by score, cat (2 of 2 right, white); by occurrence, bird (3 labels,
    # 1 of 3 right, so one third of the grey range)
    expected = 1.0 if sortmode == "score" else 1 / 3
    assert float(a[:, 2:5, 2:5].mean()) == pytest.approx(expected, abs=0.02)
    with pytest.raises(ValueError, match="sort mode"):
        cm.render("size")
