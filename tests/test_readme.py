"""The README stays true: the code it shows is the committed example and its translation, and
the output it shows is what the example prints."""
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text()
LECTURE = REPO / "examples" / "lecture"


def _blocks(language):
    """The fenced code blocks of the README whose info string is ``language``, in order."""
    blocks, current, current_language = [], None, None
    for line in README.splitlines():
        if line.startswith("```"):
            if current is None:
                current, current_language = [], line[3:].strip()
            else:
                if current_language == language:
                    blocks.append("\n".join(current).strip("\n"))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def test_side_by_side_example_is_the_committed_pair():
    assert (LECTURE / "01_slide_model.lua").read_text().strip("\n") in _blocks("lua")
    assert (LECTURE / "01_slide_model.py").read_text().strip("\n") in _blocks("python")


def test_shown_output_is_what_the_main_example_prints():
    shown = _blocks("")[0]
    expected = (REPO / "tests" / "lecture" / "expected" / "02_logistic_regression.out").read_text()
    assert [line.split() for line in shown.splitlines()] == \
        [line.split() for line in expected.strip("\n").splitlines()]


def test_setup_commands_are_what_ci_runs():
    commands = _blocks("sh")
    assert commands[0].endswith("th examples/lecture/02_logistic_regression.lua")
    assert commands[1] in (REPO / ".ci" / "run").read_text()
