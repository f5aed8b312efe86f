# --8<-- [start:setup]
import contextlib
import sys

import torch
from matplotlib import cbook
from torch import nn

from classify_image import main  # classify_image.py, next to this file
from model import Tudui  # model.py, next to this file

PHOTO = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)  # a photo that comes with matplotlib

torch.save(Tudui().state_dict(), "tudui_check.pth")


def classify(*args):
    with contextlib.redirect_stderr(sys.stdout):
        try:
            main(list(args))
        except SystemExit as stop:
            print("exit code:", stop.code)
# --8<-- [end:setup]

# --8<-- [start:no-such-file]
classify("--image", "dgo.png", "--checkpoint", "tudui_check.pth")
# --8<-- [end:no-such-file]

# --8<-- [start:folder]
import os

os.makedirs("photos", exist_ok=True)
classify("--image", "photos", "--checkpoint", "tudui_check.pth")
# --8<-- [end:folder]

# --8<-- [start:huge]
from PIL import Image

Image.new("L", (10000, 9000)).save("huge.png")  # 90 million pixels, all black
classify("--image", "huge.png", "--checkpoint", "tudui_check.pth")
# --8<-- [end:huge]

# --8<-- [start:not-an-image]
with open("dog.png", "w") as file:
    file.write("<html><body>404 Not Found</body></html>")
classify("--image", "dog.png", "--checkpoint", "tudui_check.pth")
# --8<-- [end:not-an-image]

# --8<-- [start:damaged]
with open("tudui_check.pth", "rb") as whole, open("tudui_half.pth", "wb") as half:
    half.write(whole.read()[:100_000])  # a download that stopped half way
classify("--image", PHOTO, "--checkpoint", "tudui_half.pth")
# --8<-- [end:damaged]

# --8<-- [start:other-model]
two_classes = Tudui()
two_classes.model1[8] = nn.Linear(64, 2)
torch.save(two_classes.state_dict(), "tudui_2_classes.pth")
classify("--image", PHOTO, "--checkpoint", "tudui_2_classes.pth")
# --8<-- [end:other-model]

# --8<-- [start:whole-model]
torch.save(Tudui(), "tudui_whole.pth")
classify("--image", PHOTO, "--checkpoint", "tudui_whole.pth")
# --8<-- [end:whole-model]
