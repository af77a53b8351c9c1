from tests.tickets.conftest import desk as desk
from tests.workspace.conftest import frozen as frozen
