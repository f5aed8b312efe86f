# --8<-- [start:input]
import torch
from torch import nn
from torch.nn import ReLU, Sigmoid

input = torch.tensor([[1, -0.5],
                      [-1, 3]])
input = torch.reshape(input, (-1, 1, 2, 2))
print(input.shape)
# --8<-- [end:input]


# --8<-- [start:relu]
class Tudui(nn.Module):
    def __init__(self):
        super().__init__()
        self.relu1 = ReLU()

    def forward(self, input):
        output = self.relu1(input)
        return output


tudui = Tudui()
output = tudui(input)
print(output)
# --8<-- [end:relu]

# --8<-- [start:sigmoid]
sigmoid1 = Sigmoid()
output_sigmoid = sigmoid1(input)
print(output_sigmoid)
# --8<-- [end:sigmoid]

# --8<-- [start:not-inplace]
x = torch.tensor([-1.0])
y = ReLU(inplace=False)(x)
print(x, y)
print(y is x)
# --8<-- [end:not-inplace]

# --8<-- [start:inplace]
x = torch.tensor([-1.0])
y = ReLU(inplace=True)(x)
print(x, y)
print(y is x)
# --8<-- [end:inplace]
