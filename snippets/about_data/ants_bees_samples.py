import os

from PIL import Image


train_dir = os.path.join("dataset", "hymenoptera_data", "train")
for label in ["ants", "bees"]:
    print(label, len(os.listdir(os.path.join(train_dir, label))))

sheet = Image.new("RGB", (4 * 160, 2 * 120), "white")
for row, label in enumerate(["ants", "bees"]):
    names = sorted(os.listdir(os.path.join(train_dir, label)))[:4]
    for column, name in enumerate(names):
        with Image.open(os.path.join(train_dir, label, name)) as picture:
            sheet.paste(picture.resize((156, 116)), (column * 160 + 2, row * 120 + 2))
sheet.save("ants_bees_samples.png")
