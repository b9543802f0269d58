"""Steps a person takes in the browser, shared by the browser tests."""


def browser_login(page, base_url, login, password='demo'):
    page.goto(base_url + '/@@login')
    page.fill('input[name=login]', login)
    page.fill('input[name=password]', password)
    page.click('button[name=submit]')
    page.wait_for_load_state()
