# expected-error: AttributeError
# --8<-- [start:typo]
import torch
from torch import nn


class Tudui(nn.Module):

    def __int__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 1, 3)

    def forward(self, x):
        return self.conv1(x)


tudui = Tudui()
print(tudui)
output = tudui(torch.ones(1, 1, 5, 5))
# --8<-- [end:typo]
