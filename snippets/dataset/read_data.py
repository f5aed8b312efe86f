# --8<-- [start:class]
import os

from PIL import Image
from torch.utils.data import Dataset



class MyData(Dataset):

    def __init__(self, root_dir, label_dir):
        self.root_dir = root_dir
        self.label_dir = label_dir
        self.path = os.path.join(self.root_dir, self.label_dir)
        self.img_path = sorted(os.listdir(self.path))

    def __getitem__(self, idx):
        img_name = self.img_path[idx]
        img_item_path = os.path.join(self.path, img_name)
        img = Image.open(img_item_path)
        label = self.label_dir
        return img, label

    def __len__(self):
        return len(self.img_path)
# --8<-- [end:class]


# --8<-- [start:ants-bees]
root_dir = os.path.join("dataset", "hymenoptera_data", "train")
ants_dataset = MyData(root_dir, "ants")
bees_dataset = MyData(root_dir, "bees")
print(len(ants_dataset), len(bees_dataset))

img, label = ants_dataset[0]
print(img)
print(label)
# --8<-- [end:ants-bees]

# --8<-- [start:concat]
train_dataset = ants_dataset + bees_dataset
print(type(train_dataset))
print(len(train_dataset))
print(train_dataset[123][1])
print(train_dataset[124][1])
# --8<-- [end:concat]

# --8<-- [start:look]
pair = Image.new("RGB", (640, 240), "white")
for column, idx in enumerate([123, 124]):
    img, label = train_dataset[idx]
    pair.paste(img.resize((316, 236)), (column * 322 + 2, 2))
pair.save("items_123_124.png")
# --8<-- [end:look]
