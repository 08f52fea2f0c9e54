"""End to end in a real browser: upload a photo in the Colorization tab and see the result appear.

Uses the system Chromium (/usr/bin/chromium) through Playwright; never downloads a browser.
"""
import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no system Chromium at {CHROMIUM} (apt install chromium)"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()


def open_tab(page, app_url, name):
    """Load the app, switch to a tab; returns the list that collects the page's JavaScript errors."""
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_role("tab", name=name).click()
    return errors


def wait_for_output(page, element_id):
    from playwright.sync_api import expect

    expect(page.locator(f"#{element_id} img").first).to_be_visible(timeout=90_000)
    page.wait_for_function(
        f"() => [...document.querySelectorAll('#{element_id} img')].some(i => i.complete && i.naturalWidth > 0)",
        timeout=90_000)


def run_and_capture(page, prefix, screenshot, errors):
    """Press `#{prefix}-button`, wait for the image in `#{prefix}-output` and the file in `#{prefix}-download`,
    save a screenshot of the page, and fail on any JavaScript error seen since the tab opened."""
    from playwright.sync_api import expect

    page.locator(f"#{prefix}-button").click()
    wait_for_output(page, f"{prefix}-output")
    expect(page.locator(f"#{prefix}-download")).to_contain_text(".png", timeout=60_000)
    page.screenshot(path=screenshot, full_page=True)
    assert not errors, f"JavaScript errors in the page: {errors}"


def test_colorize_in_browser(page, app_url, photo_path, artifacts_dir):
    from playwright.sync_api import expect

    errors = open_tab(page, app_url, "Colorization")

    page.locator("#colorize-input input[type=file]").set_input_files(photo_path)
    expect(page.locator("#colorize-input img").first).to_be_visible()  # the upload preview
    run_and_capture(page, "colorize", os.path.join(artifacts_dir, "colorization.png"), errors)


def test_inpaint_in_browser(page, app_url, photo_path, artifacts_dir):
    """Upload a photo into the ImageEditor, paint a stroke with the mouse, press Fill, see the result."""
    import io

    import numpy as np
    from PIL import Image
    from playwright.sync_api import expect

    errors = open_tab(page, app_url, "Inpainting")

    editor = page.locator("#inpaint-editor")
    placeholder = editor.get_by_text("Upload an image")
    zoom = editor.locator(".zoom-number")
    expect(placeholder).to_be_visible()
    empty_zoom = zoom.inner_text()  # the fit-to-view zoom of the blank 800x800 canvas
    # gradio 6.31: the editor keeps one hidden <input type=file>; setting it loads the photo as the background
    # in the browser (it is uploaded to the server only when Fill is pressed).
    editor.locator("input[type=file]").set_input_files(photo_path)
    # Wait until the photo is on the canvas: the placeholder goes and the view re-fits to the photo's size.
    # Picking the brush earlier leaves a blank 800x800 canvas and the photo is lost.
    expect(placeholder).to_be_hidden()
    expect(zoom).not_to_have_text(empty_zoom)
    editor.get_by_role("button", name="Brush", exact=True).click()  # (gradio may have picked it already)

    box = editor.locator("canvas").first.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100, f"editor canvas not laid out: {box}"
    x, y = box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.5
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):  # a short diagonal stroke through the middle of the photo
        page.mouse.move(x + box["width"] * 0.03 * step, y + box["height"] * 0.01 * step, steps=2)
    page.mouse.up()

    run_and_capture(page, "inpaint", os.path.join(artifacts_dir, "inpainting.png"), errors)

    # The stroke must reach the server as the mask: no "mask is empty" warning, and the result is not the photo.
    expect(page.get_by_text("The mask is empty")).to_have_count(0)
    href = page.locator("#inpaint-download a[href]").first.get_attribute("href")
    response = page.request.get(href if href.startswith("http") else app_url.rstrip("/") + "/" + href.lstrip("/"))
    assert response.ok, f"download link {href} answered {response.status}"
    with Image.open(io.BytesIO(response.body())) as result, Image.open(photo_path) as photo:
        assert result.format == "PNG" and result.size == photo.size
        changed = np.any(np.asarray(result.convert("RGB")) != np.asarray(photo.convert("RGB")), axis=-1)
    assert changed.any(), "the painted stroke did not reach the app as a mask (result equals the photo)"
    assert changed.mean() < 0.5, f"{changed.mean():.0%} of the photo changed for one short stroke"
    assert not errors, f"JavaScript errors in the page: {errors}"


def test_style_transfer_in_browser(page, app_url, photo_path, image_file, artifacts_dir):
    from playwright.sync_api import expect

    errors = open_tab(page, app_url, "Style transfer")
    page.locator("#style-content input[type=file]").set_input_files(photo_path)
    page.locator("#style-image input[type=file]").set_input_files(image_file("small"))
    expect(page.locator("#style-content img").first).to_be_visible()
    expect(page.locator("#style-image img").first).to_be_visible()
    run_and_capture(page, "style", os.path.join(artifacts_dir, "style_transfer.png"), errors)


def test_enhance_in_browser(page, app_url, photo_path, artifacts_dir):
    from playwright.sync_api import expect

    errors = open_tab(page, app_url, "Enhance")
    page.locator("#enhance-input input[type=file]").set_input_files(photo_path)
    expect(page.locator("#enhance-input img").first).to_be_visible()
    page.locator("#enhance-scale").get_by_text("2", exact=True).click()
    run_and_capture(page, "enhance", os.path.join(artifacts_dir, "enhance.png"), errors)


def test_restore_in_browser(page, app_url, image_file, artifacts_dir):
    """Upload a scan, detect damage (shown on the editor), restore, see the stages and the result."""
    from playwright.sync_api import expect

    errors = open_tab(page, app_url, "Restore old photo")
    page.locator("#restore-input input[type=file]").set_input_files(image_file("old_photo"))
    expect(page.locator("#restore-input img").first).to_be_visible()
    page.locator("#restore-detect").click()
    expect(page.get_by_text("Damage found on")).to_be_visible(timeout=60_000)
    expect(page.locator("#restore-editor").get_by_text("Upload an image")).to_be_hidden()
    run_and_capture(page, "restore", os.path.join(artifacts_dir, "restore.png"), errors)
    expect(page.locator("#restore-stages img")).to_have_count(5, timeout=60_000)
