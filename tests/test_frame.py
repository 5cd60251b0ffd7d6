from nicegui.testing import User

from tests.support import make_user, sign_in
from trafficdash import db


async def test_overview_shows_the_frame_and_connect_empty_state(user: User) -> None:
    with db.session_scope() as s:
        ana_id = make_user(s).id
    await sign_in(user, ana_id)
    await user.should_see("trafficdash")
    await user.should_see("Overview")
    await user.should_see("Connect an ad account")
