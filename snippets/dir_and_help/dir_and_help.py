# --8<-- [start:dir-torch]
from pprint import pprint

import torch


def show(names, first=12):
    pprint(names[:first], compact=True, width=72)
    if len(names) > first:
        print(f"... and {len(names) - first} more")


show(dir(torch))
print("cuda" in dir(torch))
# --8<-- [end:dir-torch]

# --8<-- [start:dir-cuda]
show(dir(torch.cuda))
print("is_available" in dir(torch.cuda))
# --8<-- [end:dir-cuda]

# --8<-- [start:dir-function]
names = dir(torch.cuda.is_available)
show(names)
print(all(name.startswith("__") and name.endswith("__") for name in names))
# --8<-- [end:dir-function]

# --8<-- [start:help]
help(torch.cuda.is_available)
# --8<-- [end:help]

# --8<-- [start:call]
print(torch.cuda.is_available())
# --8<-- [end:call]

# --8<-- [start:bug]
print(torch.cuda.is_available)
print(bool(torch.cuda.is_available))

device = "cuda" if torch.cuda.is_available else "cpu"
print(device)
# --8<-- [end:bug]

# --8<-- [start:fix]
device = "cuda" if torch.cuda.is_available() else "cpu"
print(device)
# --8<-- [end:fix]
