# --8<-- [start:save]
import subprocess
import sys

import torch
from torch import nn


class Tudui(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=3)

    def forward(self, x):
        x = self.conv1(x)
        return x


tudui = Tudui()
torch.save(tudui, "tudui_method1.pth")

model = torch.load("tudui_method1.pth", weights_only=False)
print(model)
# --8<-- [end:save]

# --8<-- [start:new-process]
load_script = """
import torch
model = torch.load("tudui_method1.pth", weights_only=False)
print(model)
"""
result = subprocess.run([sys.executable, "-c", load_script],
                        capture_output=True, text=True)
print("exit code:", result.returncode)
print(result.stderr.splitlines()[-1])
# --8<-- [end:new-process]
