from nicegui.testing import User


async def test_overview_shows_the_frame_and_connect_empty_state(user: User) -> None:
    await user.open("/")
    await user.should_see("trafficdash")
    await user.should_see("Overview")
    await user.should_see("Connect an ad account")
