# --8<-- [start:open]
import torch
from PIL import Image
from torch.utils.tensorboard import SummaryWriter
from torchvision import transforms
from matplotlib import cbook

PHOTO = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)  # a photo that comes with matplotlib

img = Image.open(PHOTO)
print(img)
# --8<-- [end:open]

# --8<-- [start:to-tensor]
tensor_trans = transforms.ToTensor()
img_tensor = tensor_trans(img)
print(type(img_tensor))
print(img_tensor.shape, img_tensor.dtype)
print(img_tensor.min(), img_tensor.max())

writer = SummaryWriter("logs")
writer.add_image("ToTensor", img_tensor)
# --8<-- [end:to-tensor]

# --8<-- [start:to-pil]
to_pil = transforms.ToPILImage()
img_back = to_pil(img_tensor)
print(img_back)
print(img_back.tobytes() == img.tobytes())
# --8<-- [end:to-pil]

# --8<-- [start:normalize]
print(img_tensor[0][284][188])
trans_norm = transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])
img_norm = trans_norm(img_tensor)
print(img_norm[0][284][188])
print(img_norm.min(), img_norm.max())
writer.add_image("Normalize", img_norm)
# --8<-- [end:normalize]

# --8<-- [start:resize]
print(img.size)
trans_resize = transforms.Resize((512, 512))
img_resize = trans_resize(img)
print(img_resize)
img_resize = tensor_trans(img_resize)
writer.add_image("Resize", img_resize, 0)
# --8<-- [end:resize]

# --8<-- [start:resize-ratio]
print(transforms.Resize(512)(img).size)
print(transforms.Resize(256)(img).size)
# --8<-- [end:resize-ratio]

# --8<-- [start:compose]
trans_resize_2 = transforms.Resize(256)
trans_compose = transforms.Compose([trans_resize_2, tensor_trans])
img_resize_2 = trans_compose(img)
print(img_resize_2.shape)
writer.add_image("Resize", img_resize_2, 1)
# --8<-- [end:compose]

# --8<-- [start:random-crop]
torch.manual_seed(2)
trans_random = transforms.RandomCrop(256)
trans_compose_2 = transforms.Compose([trans_random, tensor_trans])
for i in range(10):
    img_crop = trans_compose_2(img)
    writer.add_image("RandomCrop", img_crop, i)
print(img_crop.shape)

writer.close()
# --8<-- [end:random-crop]
