"""Run one snippet exactly as `python snippets/<chapter>/<name>.py` would, and keep a record.

Usage: python book/launch.py RECORD.json SNIPPET.py [ARGS...]

The snippet runs as `__main__` with its own folder first on sys.path, like a plain
`python` call. Its output still goes to the terminal; in addition every piece of
stdout is recorded together with the line of the snippet's top-level code that was
running when it was printed, so that the book can show each section's output under
that section. Files the program opened for reading are recorded too: the runner uses
them to know when a cached result is stale. What the build arranges around the program (the
network guard, stand-in data) comes from the sitecustomize.py on PYTHONPATH (book/shim.py).
"""

import json
import os
import runpy
import sys
import time
import traceback


def main() -> int:
    record_path, snippet = sys.argv[1], os.path.abspath(sys.argv[2])
    sys.argv = [snippet, *sys.argv[3:]]
    sys.path[0] = os.path.dirname(snippet)

    opened = set()

    listed = set()  # folders whose listing the program read (os.listdir, os.scandir, glob)

    def note_opened(event, args):
        if event == "open" and isinstance(args[0], (str, bytes)):
            mode = args[1] or "r"
            if not any(flag in mode for flag in "wax+"):
                opened.add(os.path.abspath(os.fsdecode(args[0])))
        elif event in ("os.listdir", "os.scandir"):
            folder = args[0]
            if isinstance(folder, (str, bytes, os.PathLike)):
                listed.add(os.path.abspath(os.fsdecode(folder)))
        elif event == "subprocess.Popen":
            # a program started by the snippet (torchrun, python -c ...) is part of its result too
            command, folder = args[1], args[2] or os.getcwd()
            for word in [command] if isinstance(command, (str, bytes)) else command or []:
                word = os.fsdecode(word) if isinstance(word, (str, bytes, os.PathLike)) else ""
                if word.endswith(".py") and os.path.isfile(os.path.join(folder, word)):
                    opened.add(os.path.abspath(os.path.join(folder, word)))

    sys.addaudithook(note_opened)

    # [line, [pieces]]: the line is that of the snippet's outermost frame; the pieces are joined at
    # the end (adding each piece to one string would take time that grows with the square of the output)
    chunks = []

    class RecordingStdout:
        def __init__(self, stream):
            self._stream = stream

        def write(self, text):
            line = None
            frame = sys._getframe(1)
            while frame is not None:
                if frame.f_code.co_filename == snippet:
                    line = frame.f_lineno
                frame = frame.f_back
            if chunks and chunks[-1][0] == line:
                chunks[-1][1].append(text)
            else:
                chunks.append([line, [text]])
            return self._stream.write(text)

        def __getattr__(self, name):
            return getattr(self._stream, name)

    sys.stdout = RecordingStdout(sys.stdout)
    record = {"chunks": chunks, "error": None}
    started = time.perf_counter()
    try:
        runpy.run_path(snippet, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as error:
        stack = traceback.extract_tb(error.__traceback__)
        mine = [i for i, f in enumerate(stack) if f.filename == snippet]
        frames = [stack[i] for i in mine]
        record["error"] = {
            "line": frames[0].lineno if frames else None,
            "frames": [[f.lineno, f.name, f.line] for f in frames],
            "library_frames": len(stack) - mine[-1] - 1 if mine else 0,
            "summary": "".join(traceback.format_exception_only(error)).rstrip("\n"),
        }
        raise
    finally:
        sys.stdout.flush()
        record["seconds_inside"] = time.perf_counter() - started
        record["device"] = _device()
        record["chunks"] = [[line, "".join(pieces)] for line, pieces in chunks]
        modules = {getattr(m, "__file__", None) for m in list(sys.modules.values())}
        record["opened"] = sorted(opened | {os.path.abspath(f) for f in modules if f})
        record["listed"] = sorted(listed)
        with open(record_path, "w", encoding="utf-8") as out:
            json.dump(record, out)
    return 0


def _device() -> str:
    """Which device a program that picks "cuda if available" would have used."""
    torch = sys.modules.get("torch")
    if torch is None:
        return "CPU"
    try:
        if torch.cuda.is_available():
            return "GPU " + torch.cuda.get_device_name(0)
    except Exception:
        pass
    return "CPU"


if __name__ == "__main__":
    sys.exit(main())
