# --8<-- [start:default]
import pickle

import torch

from model import Tudui  # model.py, next to this file

torch.save(Tudui(), "tudui_method1.pth")

try:
    model = torch.load("tudui_method1.pth")
except pickle.UnpicklingError as error:
    message = str(error).replace("\033[1m", "").replace("\033[0m", "")
    print(type(error).__name__, message, sep=": ")
# --8<-- [end:default]
