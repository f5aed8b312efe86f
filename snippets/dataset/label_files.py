# --8<-- [start:write]
import os

from PIL import Image
from torch.utils.data import Dataset


train_dir = os.path.join("dataset", "hymenoptera_data", "train")

for label in ["ants", "bees"]:
    image_dir = os.path.join(train_dir, label)
    label_dir = label + "_label"
    os.makedirs(label_dir, exist_ok=True)
    for img_name in os.listdir(image_dir):
        txt_name = os.path.splitext(img_name)[0] + ".txt"
        with open(os.path.join(label_dir, txt_name), "w") as f:
            f.write(label)
    print(label_dir, len(os.listdir(label_dir)), "files")
# --8<-- [end:write]

# --8<-- [start:peek]
first = sorted(os.listdir("ants_label"))[0]
with open(os.path.join("ants_label", first)) as f:
    print(first, "->", f.read())
# --8<-- [end:peek]


# --8<-- [start:class]
class LabelFileData(Dataset):

    def __init__(self, image_dir, label_dir):
        self.image_dir = image_dir
        self.label_dir = label_dir
        self.img_names = sorted(os.listdir(self.image_dir))

    def __getitem__(self, idx):
        img_name = self.img_names[idx]
        img = Image.open(os.path.join(self.image_dir, img_name))
        txt_name = os.path.splitext(img_name)[0] + ".txt"
        with open(os.path.join(self.label_dir, txt_name)) as f:
            label = f.read()
        return img, label

    def __len__(self):
        return len(self.img_names)


ants_dataset = LabelFileData(os.path.join(train_dir, "ants"), "ants_label")
bees_dataset = LabelFileData(os.path.join(train_dir, "bees"), "bees_label")
train_dataset = ants_dataset + bees_dataset
print(len(train_dataset))
print(train_dataset[123][1])
print(train_dataset[124][1])
# --8<-- [end:class]
