# --8<-- [start:ex1]
import argparse

parser = argparse.ArgumentParser(prog="train.py")
parser.add_argument("--batch_size", type=int, default=1)
parser.add_argument("--epochs", default=1)
opt = parser.parse_args(["--batch_size", "8", "--epochs", "8"])
print(repr(opt.batch_size), repr(opt.epochs))
# --8<-- [end:ex1]

# --8<-- [start:ex2]
parser.add_argument("--no_flip", action="store_true")
print(parser.parse_args([]).no_flip)
print(parser.parse_args(["--no_flip"]).no_flip)
# --8<-- [end:ex2]

# --8<-- [start:ex3]
with_space = parser.parse_args(["--batch_size", "4"])
with_equals = parser.parse_args(["--batch_size=4"])
print(with_space == with_equals, with_equals.batch_size)
# --8<-- [end:ex3]
