# --8<-- [start:input]
import torch
from torch import nn
from torch.nn import MaxPool2d

input = torch.tensor([[1, 2, 0, 3, 1],
                      [0, 1, 2, 3, 1],
                      [1, 2, 1, 0, 0],
                      [5, 2, 3, 1, 1],
                      [2, 1, 0, 1, 1]], dtype=torch.float32)
input = torch.reshape(input, (-1, 1, 5, 5))
print(input.shape)
# --8<-- [end:input]


# --8<-- [start:model]
class Tudui(nn.Module):
    def __init__(self):
        super().__init__()
        self.maxpool1 = MaxPool2d(kernel_size=3, ceil_mode=True)  # (1)!

    def forward(self, input):
        output = self.maxpool1(input)
        return output


tudui = Tudui()
print(tudui)
# --8<-- [end:model]

# --8<-- [start:ceil]
output = tudui(input)
print(output)
# --8<-- [end:ceil]

# --8<-- [start:floor]
maxpool_floor = MaxPool2d(kernel_size=3, ceil_mode=False)
output_floor = maxpool_floor(input)
print(output_floor)
# --8<-- [end:floor]

# --8<-- [start:long]
input_long = torch.tensor([[1, 2, 0, 3, 1],
                           [0, 1, 2, 3, 1],
                           [1, 2, 1, 0, 0],
                           [5, 2, 3, 1, 1],
                           [2, 1, 0, 1, 1]])
input_long = torch.reshape(input_long, (-1, 1, 5, 5))
print(input_long.dtype)

output_long = tudui(input_long)
print(output_long)
print(output_long.dtype)
# --8<-- [end:long]
