"""optim.Logger: Torch7's text log and a real PNG plot."""

import numpy as np
import pytest

from luatorch import optim

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path):
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == PNG_SIGNATURE
    assert head[12:16] == b"IHDR"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def test_set_names_add_and_text_format(tmp_path):
    path = tmp_path / "logs" / "accuracy.log"  # the directory is created, as mkdir -p
    logger = optim.Logger(str(path))
    logger.setNames(["Training acc.", "Test acc."])
    for train, test in [(70, 59), (76, 8), (0.5, -1234.5678)]:
        logger.add([train, test])
    logger.file.flush()
    assert path.read_text() == ("Training acc.\tTest acc.\t\n"
                                " 7.0000e+01\t 5.9000e+01\t\n"
                                " 7.6000e+01\t 8.0000e+00\t\n"
                                " 5.0000e-01\t-1.2346e+03\t\n")
    assert logger.symbols[1] == [70, 76, 0.5]
    assert logger.idx["Test acc."] == 2


def test_add_with_names_and_strings(tmp_path):
    path = tmp_path / "train.log"
    logger = optim.Logger(str(path))
    logger.add({"loss": 1.5, "phase": "warmup"})
    logger.add({"loss": 0.25, "phase": "main"})
    assert path.read_text() == ("loss\tphase\t\n"
                                " 1.5000e+00\twarmup\t\n"
                                " 2.5000e-01\tmain\t\n")
    with pytest.raises(TypeError, match="can only log numbers and strings"):
        logger.add({"loss": [1, 2], "phase": "x"})
    # the bad row was not written
    assert path.read_text().count("\n") == 3


def test_plot_writes_a_real_png_of_gnuplots_default_size(tmp_path):
    matplotlib_image = pytest.importorskip("matplotlib.image")
    path = tmp_path / "curves.log"
    logger = optim.Logger(str(path))
    logger.setNames(["train", "test"])
    for i in range(20):
        logger.add([1.0 / (i + 1), 1.5 / (i + 1) + 0.01 * (i % 3)])
    logger.style(["+-", "~"])
    logger.setlogscale(True)
    logger.display(False)
    assert logger.showPlot is False
    written = logger.plot()
    assert str(tmp_path / "curves.log.png") in written
    assert png_size(logger.pngfile) == (640, 480)
    image = matplotlib_image.imread(logger.pngfile)
    assert image.shape[:2] == (480, 640)
    # something was drawn: the image is not one flat colour
    assert float(np.ptp(image[..., :3])) > 0.5
    with open(logger.epsfile, "rb") as fh:
        assert fh.read(4) == b"%!PS"


@pytest.mark.parametrize("style", [".", "+", "-", "|", "~", "lines lw 2"])
def test_every_style_plots(tmp_path, style):
    logger = optim.Logger(str(tmp_path / "s.log"))
    logger.add({"err": 3.0})
    logger.add({"err": 2.0})
    logger.add({"err": 2.5})
    logger.style({"err": style})
    logger.plot("err")
    assert png_size(logger.pngfile) == (640, 480)


def test_nothing_to_plot_with_a_single_value(tmp_path):
    logger = optim.Logger(str(tmp_path / "one.log"))
    logger.add({"err": 1.0})
    assert logger.plot() == []


def test_stdout_logger(capsys):
    logger = optim.Logger()
    logger.setNames(["a"])
    logger.add([2])
    out = capsys.readouterr().out
    assert out.startswith("<Logger> warning: no path provided, logging to std out")
    assert out.endswith("a\t\n 2.0000e+00\t\n")


def test_rows_follow_the_header_order(tmp_path):
    path = tmp_path / "order.log"
    logger = optim.Logger(str(path))
    logger.add({"b": 1, "a": 2})
    logger.add({"a": 3, "b": 4})  # another order: each value still goes to its column
    assert path.read_text() == ("b\ta\t\n"
                                " 1.0000e+00\t 2.0000e+00\t\n"
                                " 4.0000e+00\t 3.0000e+00\t\n")
    assert logger.symbols == {"b": [1, 4], "a": [2, 3]}
