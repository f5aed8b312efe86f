# expected-error: TypeError
# --8<-- [start:small]
import numpy as np
from torch.utils.tensorboard import SummaryWriter

small = np.zeros((7, 9, 3), dtype=np.uint8)  # a tiny black picture: 7 high, 9 wide, 3 channels (HWC)
print(small.shape)

writer = SummaryWriter("logs")
writer.add_image("small", small, 1)  # no dataformats: read as (C, H, W) = (7, 9, 3)
# --8<-- [end:small]
