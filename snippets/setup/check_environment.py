# Run this from any folder, whenever an output differs from the book's: python check_environment.py
# It prints your Python, torch and torchvision next to the versions the book was built with,
# and whether PyTorch can use an NVIDIA GPU.

# --8<-- [start:built-with]
import platform

import torch
import torchvision

# The versions the book's outputs came from. For Python only the first two numbers count.
BOOK_BUILT_WITH = {"Python": "3.11", "torch": "2.14.1", "torchvision": "0.29.1"}
# --8<-- [end:built-with]


# --8<-- [start:compare]
def same_as_book(name, version):
    """Whether `version` is the one the book used. The part after "+" (cpu, cu128, ...)
    only says which build it is, so it does not count."""
    version = version.split("+")[0]
    if name == "Python":
        version = ".".join(version.split(".")[:2])
    return version == BOOK_BUILT_WITH[name]


yours = {"Python": platform.python_version(), "torch": torch.__version__, "torchvision": torchvision.__version__}
differ = [name for name, version in yours.items() if not same_as_book(name, version)]

print(f"{'':<12} {'yours':<16} book")
for name, version in yours.items():
    note = "" if name not in differ else "  <- differs"
    print(f"{name:<12} {version:<16} {BOOK_BUILT_WITH[name]}{note}")
# --8<-- [end:compare]

# --8<-- [start:device]
print("CUDA available:", torch.cuda.is_available())
device = "cuda" if torch.cuda.is_available() else "cpu"
print("device:", device)
if device == "cuda":
    print("GPU:", torch.cuda.get_device_name(0))
# --8<-- [end:device]

# --8<-- [start:verdict]
if differ:
    print("Not the book's version:", ", ".join(differ))
    print("Some outputs may differ from the pages. The book's page")
    print('"和视频不一样的地方 / Differences from the video" lists what changes between versions.')
else:
    print("Same versions as the book.")
# --8<-- [end:verdict]
