# --8<-- [start:ex1]
import torch
from torch.nn import Conv2d, Flatten, MaxPool2d, Sequential


def features(first_padding):
    return Sequential(
        Conv2d(3, 32, 5, padding=first_padding),
        MaxPool2d(2),
        Conv2d(32, 32, 5, padding=2),
        MaxPool2d(2),
        Conv2d(32, 64, 5, padding=2),
        MaxPool2d(2),
        Flatten(),
    )


images = torch.ones((64, 3, 32, 32))
print(features(first_padding=0)(images).shape)
print(features(first_padding=2)(images).shape)
# --8<-- [end:ex1]

# --8<-- [start:ex2]
conv3 = Conv2d(32, 64, 5, padding=2)
print(sum(p.numel() for p in conv3.parameters()))
# --8<-- [end:ex2]

# --8<-- [start:ex3]
big_image = torch.ones((1, 3, 64, 64))
print(features(first_padding=2)(big_image).shape)
# --8<-- [end:ex3]
