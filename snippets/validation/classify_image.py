"""Classify one image file with a trained Tudui (the CIFAR-10 model of chapter 14).

python snippets/validation/classify_image.py --image dog.png --checkpoint tudui_9.pth
"""

# --8<-- [start:imports]
import argparse
import sys

import torch
import torchvision
from PIL import Image, UnidentifiedImageError

from torch import nn

from model import Tudui  # model.py, next to this file

CLASSES = ["airplane", "automobile", "bird", "cat", "deer",
           "dog", "frog", "horse", "ship", "truck"]


def fail(message):
    print(f"classify_image.py: error: {message}", file=sys.stderr)
    sys.exit(1)
# --8<-- [end:imports]


# --8<-- [start:model]
def load_model(path):
    try:
        state_dict = torch.load(path, map_location=torch.device("cpu"))
    except FileNotFoundError:
        fail(f"no such checkpoint file: {path}")
    except Exception:
        fail(f"{path} is not a state_dict saved with "
             "torch.save(tudui.state_dict(), ...)")
    tudui = Tudui()
    try:
        tudui.load_state_dict(state_dict)
    except (RuntimeError, TypeError) as error:
        details = str(error).split("\n", 1)[-1]
        fail(f"{path} does not fit the model Tudui:\n{details}")
    return tudui
# --8<-- [end:model]


# --8<-- [start:image]
def load_image(path):
    try:
        image = Image.open(path)
    except FileNotFoundError:
        fail(f"no such image file: {path}")
    except UnidentifiedImageError:
        fail(f"{path} is not an image file that PIL can read")
    image = image.convert("RGB")
    transform = torchvision.transforms.Compose([
        torchvision.transforms.Resize((32, 32)),
        torchvision.transforms.ToTensor(),
    ])
    image = transform(image)
    print(image.shape)
    image = torch.reshape(image, (1, 3, 32, 32))
    print(image.shape)
    return image
# --8<-- [end:image]


# --8<-- [start:main]
def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="classify_image.py",
        description="Classify an image into one of the ten CIFAR-10 classes.")
    parser.add_argument("--image", required=True, help="the image file")
    parser.add_argument("--checkpoint", required=True,
                        help="a state_dict of Tudui saved with torch.save")
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        parser.print_help()
        return
    args = parser.parse_args(argv)

    tudui = load_model(args.checkpoint)
    image = load_image(args.image)
    tudui.eval()
    with torch.no_grad():
        output = tudui(image)
    print(output.argmax(1))
    print("prediction:", CLASSES[output.argmax(1).item()])

    probabilities = torch.softmax(output, dim=1)[0]
    top = probabilities.topk(3)
    for probability, index in zip(top.values, top.indices):
        print(f"  {CLASSES[index]:<10} {probability:.3f}")


if __name__ == "__main__":
    main()
# --8<-- [end:main]
