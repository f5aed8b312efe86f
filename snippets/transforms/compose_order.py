# expected-error: TypeError
# --8<-- [start:wrong-order]
from PIL import Image
from torchvision import transforms
from matplotlib import cbook

PHOTO = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)  # a photo that comes with matplotlib

img = Image.open(PHOTO)
trans_wrong = transforms.Compose([
    transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]),
    transforms.ToTensor(),
])
img_norm = trans_wrong(img)
# --8<-- [end:wrong-order]
