# --8<-- [start:checkpoint]
import shutil

import torch
import torchvision
from matplotlib import cbook
from PIL import Image

from classify_image import main  # classify_image.py, next to this file

PHOTO = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)  # a photo that comes with matplotlib
to_tensor = torchvision.transforms.ToTensor()
# tudui_2.pth, the training chapter's last checkpoint, is in this folder
# --8<-- [end:checkpoint]

# --8<-- [start:picture]
shutil.copy(PHOTO, "grace_hopper.jpg")
photo = Image.open("grace_hopper.jpg")
print(photo.mode, photo.size)
small = photo.convert("RGB").resize((32, 32))
figure = Image.new("RGB", (540, 300), "white")
figure.paste(photo.resize((256, 300)), (0, 0))
figure.paste(small.resize((256, 256), Image.Resampling.NEAREST), (284, 22))
figure.save("photo_and_32x32.png")
# --8<-- [end:picture]

# --8<-- [start:rgba]
photo.convert("RGBA").save("grace_hopper.png")
png = Image.open("grace_hopper.png")
four = to_tensor(png.resize((32, 32)))
print(png.mode, four.shape)
try:
    torch.reshape(four, (1, 3, 32, 32))
except RuntimeError as error:
    print("RuntimeError:", error)
rgb = png.convert("RGB")
print(rgb.mode, to_tensor(rgb.resize((32, 32))).shape)
# --8<-- [end:rgba]

# --8<-- [start:classify]
main(["--image", "grace_hopper.jpg", "--checkpoint", "tudui_2.pth"])
# --8<-- [end:classify]
