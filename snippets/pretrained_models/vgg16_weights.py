# --8<-- [start:pretrained-false]
import os
import warnings

import torch
import torchvision
from torchvision.models import VGG16_Weights

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    vgg16_false = torchvision.models.vgg16(pretrained=False)

for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")
# --8<-- [end:pretrained-false]

# --8<-- [start:weights-enum]
weights = VGG16_Weights.DEFAULT
print(weights)
print(weights.url)
print(weights.meta["_file_size"], "MB")
print(weights.meta["categories"][:5])
print(len(weights.meta["categories"]))
# --8<-- [end:weights-enum]

# --8<-- [start:where]
file_name = os.path.basename(weights.url)
checkpoint = os.path.join(torch.hub.get_dir(), "checkpoints", file_name)
print(file_name)
print(checkpoint.replace(os.path.expanduser("~"), "~"))
# --8<-- [end:where]

# --8<-- [start:load]
if os.path.exists(checkpoint):
    vgg16_true = torchvision.models.vgg16(weights=VGG16_Weights.DEFAULT)
    print("loaded the ImageNet weights from the torch hub folder")
elif os.path.exists(file_name):
    vgg16_true = torchvision.models.vgg16(weights=None)
    vgg16_true.load_state_dict(torch.load(file_name))
    print("loaded the ImageNet weights from", file_name)
else:
    print("no weights on this computer; download this file by hand:")
    print("   ", weights.url)
    print("and put it into the torch hub folder (or the current folder):")
    print("   ", os.path.dirname(checkpoint).replace(os.path.expanduser("~"), "~"))
# --8<-- [end:load]
