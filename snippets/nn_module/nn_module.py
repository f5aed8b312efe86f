# --8<-- [start:module]
import torch
from torch import nn


class Tudui(nn.Module):

    def __init__(self):
        super().__init__()

    def forward(self, input):
        output = input + 1
        return output


tudui = Tudui()
x = torch.tensor(1.0)
output = tudui(x)
print(output)
# --8<-- [end:module]

# --8<-- [start:forward]
print(tudui.forward(torch.tensor(1.0)))
# --8<-- [end:forward]


# --8<-- [start:hook]
def report(module, inputs, output):
    print("hook saw", inputs[0], "->", output)


tudui.register_forward_hook(report)
print(tudui(x))
print(tudui.forward(x))
# --8<-- [end:hook]
