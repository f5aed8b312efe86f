# --8<-- [start:parser]
import argparse
import contextlib
import sys

parser = argparse.ArgumentParser(prog="train.py",
                                 description="Train a model on the images in DATAROOT.")
parser.add_argument("--dataroot", required=True,
                    help="folder with the training images")
parser.add_argument("--name", type=str, default="experiment_name",
                    help="name of the experiment")
parser.add_argument("--batch_size", type=int, default=1,
                    help="input batch size")
parser.add_argument("--gpu_ids", type=str, default="0",
                    help="gpu ids: e.g. 0 0,1,2. use -1 for CPU")
parser.add_argument("--no_flip", action="store_true",
                    help="do not flip the images")
# --8<-- [end:parser]

# --8<-- [start:parse]
opt = parser.parse_args(["--dataroot", "./datasets/maps", "--name", "maps_cyclegan"])
print(opt)
print(opt.dataroot, opt.batch_size, opt.no_flip)
# --8<-- [end:parse]

# --8<-- [start:help]
try:
    parser.parse_args(["--help"])
except SystemExit as stop:
    print("exit code:", stop.code)
# --8<-- [end:help]

# --8<-- [start:missing]
with contextlib.redirect_stderr(sys.stdout):
    try:
        parser.parse_args(["--name", "maps_cyclegan"])
    except SystemExit as stop:
        print("exit code:", stop.code)
# --8<-- [end:missing]
