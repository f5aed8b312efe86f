# Run this right after installing, from any folder: python check_install.py
# It shows which PyTorch you got and whether it can use an NVIDIA GPU.

# --8<-- [start:versions]
import platform

import torch
import torchvision

print("Python:", platform.python_version(), "on", platform.system())
print("torch:", torch.__version__)
print("torchvision:", torchvision.__version__)
# --8<-- [end:versions]

# --8<-- [start:device]
print("CUDA available:", torch.cuda.is_available())  # with the parentheses!

device = "cuda" if torch.cuda.is_available() else "cpu"
print("device:", device)
if device == "cuda":
    print("GPU:", torch.cuda.get_device_name(0))
# --8<-- [end:device]
