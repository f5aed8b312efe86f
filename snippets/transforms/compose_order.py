# expected-error: TypeError
# --8<-- [start:wrong-order]
from PIL import Image
from torchvision import transforms

from snippets.course_data import PHOTO

img = Image.open(PHOTO)
trans_wrong = transforms.Compose([
    transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]),
    transforms.ToTensor(),
])
img_norm = trans_wrong(img)
# --8<-- [end:wrong-order]
