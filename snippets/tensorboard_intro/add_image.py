# --8<-- [start:array]
import numpy as np
from PIL import Image
from matplotlib import cbook

PHOTO = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)  # a photo that comes with matplotlib

img_PIL = Image.open(PHOTO)
img_array = np.array(img_PIL)
print(type(img_array))
print(img_array.shape)
# --8<-- [end:array]

# --8<-- [start:add]
from torch.utils.tensorboard import SummaryWriter

writer = SummaryWriter("logs")
writer.add_image("test", img_array, 1, dataformats="HWC")
writer.close()
# --8<-- [end:add]
