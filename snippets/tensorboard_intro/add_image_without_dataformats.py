# expected-error: TypeError
import numpy as np
from PIL import Image
from torch.utils.tensorboard import SummaryWriter
from matplotlib import cbook

PHOTO = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)  # a photo that comes with matplotlib

img_array = np.array(Image.open(PHOTO))
writer = SummaryWriter("logs")
# --8<-- [start:fails]
writer.add_image("test", img_array, 1)
# --8<-- [end:fails]
