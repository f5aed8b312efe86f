# expected-error: AssertionError
# --8<-- [start:fails]
import torch
from torch.nn import Conv2d
from torch.utils.tensorboard import SummaryWriter

conv1 = Conv2d(in_channels=3, out_channels=6, kernel_size=3)
output = conv1(torch.rand(64, 3, 32, 32))
print(output.shape)

writer = SummaryWriter("logs")
writer.add_images("conv1/output", output, 0)
# --8<-- [end:fails]
