# --8<-- [start:way1-save]
import os
import subprocess
import sys

import torch

from model import Tudui  # model.py, next to this file

tudui = Tudui()
torch.save(tudui, "tudui_method1.pth")
# --8<-- [end:way1-save]

# --8<-- [start:way1-load]
model = torch.load("tudui_method1.pth", weights_only=False)
print(model)
# --8<-- [end:way1-load]

# --8<-- [start:way2-save]
torch.save(tudui.state_dict(), "tudui_method2.pth")

state_dict = torch.load("tudui_method2.pth")
print(type(state_dict))
for name, tensor in state_dict.items():
    print(name, tuple(tensor.shape))
# --8<-- [end:way2-save]

# --8<-- [start:way2-load]
tudui2 = Tudui()
print(tudui2.load_state_dict(torch.load("tudui_method2.pth")))
print(torch.equal(tudui2.model1[0].weight, tudui.model1[0].weight))
# --8<-- [end:way2-load]

# --8<-- [start:sizes]
print("method 1:", os.path.getsize("tudui_method1.pth"), "bytes")
print("method 2:", os.path.getsize("tudui_method2.pth"), "bytes")
params = sum(p.numel() for p in tudui.parameters())
print("parameters alone:", params * 4, "bytes")
# --8<-- [end:sizes]

# --8<-- [start:fresh-process]
here = os.path.dirname(os.path.abspath(__file__))  # the folder of this program, where model.py is
load_script = f"""
import sys
sys.path.insert(0, {here!r})
import torch
model = torch.load("tudui_method1.pth", weights_only=False)
print(type(model))
"""
result = subprocess.run([sys.executable, "-c", load_script],
                        capture_output=True, text=True)
print("exit code:", result.returncode)
print(result.stdout, end="")
# --8<-- [end:fresh-process]
