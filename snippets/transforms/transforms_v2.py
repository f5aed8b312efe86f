# --8<-- [start:v2]
import torch
from PIL import Image
from torchvision import transforms
from torchvision.transforms import v2
from matplotlib import cbook

PHOTO = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)  # a photo that comes with matplotlib

img = Image.open(PHOTO)
trans_classic = transforms.Compose([transforms.Resize(256), transforms.ToTensor()])
trans_v2 = v2.Compose([v2.Resize(256), v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])

img_classic = trans_classic(img)
img_v2 = trans_v2(img)
print(img_classic.shape, img_classic.dtype)
print(img_v2.shape, img_v2.dtype)
print(torch.allclose(img_classic, img_v2))
# --8<-- [end:v2]
