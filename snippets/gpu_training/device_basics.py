# --8<-- [start:function]
import torch

print(torch.cuda.is_available)
print(bool(torch.cuda.is_available))
print(torch.cuda.is_available())
# --8<-- [end:function]

# --8<-- [start:notes-bug]
from model import Tudui  # model.py, next to this file

tudui = Tudui()
try:
    if torch.cuda.is_available:  # the notes' line: () is missing
        tudui = tudui.cuda()
    print("moved to", next(tudui.parameters()).device)
except (RuntimeError, AssertionError) as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:notes-bug]

# --8<-- [start:loss]
from torch import nn

loss_fn = nn.CrossEntropyLoss()
loss_fn = loss_fn.cuda()
print("plain loss:", loss_fn)

weighted_loss = nn.CrossEntropyLoss(weight=torch.ones(10))
try:
    weighted_loss = weighted_loss.cuda()
    print("weighted loss moved to", weighted_loss.weight.device)
except (RuntimeError, AssertionError) as error:
    print(f"weighted loss: {type(error).__name__}")
# --8<-- [end:loss]

# --8<-- [start:module-to]
tudui = Tudui()
returned = tudui.to("meta")
print(returned is tudui)
print(tudui.model1[0].weight.device)
# --8<-- [end:module-to]

# --8<-- [start:tensor-to]
imgs = torch.ones(64, 3, 32, 32)
imgs.to("meta")
print(imgs.device)
imgs = imgs.to("meta")
print(imgs.device)
# --8<-- [end:tensor-to]

# --8<-- [start:forgot]
imgs = torch.ones(64, 3, 32, 32)
imgs.to("meta")  # the moved copy is thrown away
try:
    tudui(imgs)
except RuntimeError as error:
    print(error)
# --8<-- [end:forgot]

# --8<-- [start:cpu-same]
device = torch.device("cpu")
imgs = torch.ones(64, 3, 32, 32)
print(imgs.to(device) is imgs)
# --8<-- [end:cpu-same]

# --8<-- [start:dp-wrap]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
tudui = Tudui().to(device)
model = nn.DataParallel(tudui)
print(model.device_ids)
print(model.module is tudui)
# --8<-- [end:dp-wrap]

# --8<-- [start:dp-forward]
imgs = torch.ones(64, 3, 32, 32).to(device)
outputs = model(imgs)
print(outputs.shape)
print(torch.equal(outputs, tudui(imgs)))
# --8<-- [end:dp-forward]

# --8<-- [start:dp-keys]
print(list(model.state_dict())[:2])
print(list(model.module.state_dict())[:2])
# --8<-- [end:dp-keys]
