import argparse

parser = argparse.ArgumentParser(
    description="Train a model on the images in DATAROOT.")
parser.add_argument("--dataroot", default="./datasets/maps",
                    help="folder with the training images")
parser.add_argument("--name", type=str, default="experiment_name",
                    help="name of the experiment")
parser.add_argument("--batch_size", type=int, default=1,
                    help="input batch size")
parser.add_argument("--gpu_ids", type=str, default="0",
                    help="gpu ids: e.g. 0 0,1,2. use -1 for CPU")
parser.add_argument("--no_flip", action="store_true",
                    help="do not flip the images")
opt = parser.parse_args()

print("----------------- Options ---------------")
for key, value in sorted(vars(opt).items()):
    default = parser.get_default(key)
    comment = "" if value == default else f"   [default: {default}]"
    print(f"{key:>12}: {value}{comment}")
print("----------------- End -------------------")
