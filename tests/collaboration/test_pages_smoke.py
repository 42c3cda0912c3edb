def test_record_pages_show_the_thread(client, anna, work_center, work_order):
    from andon.collaboration import services

    services.add_comment(anna, work_center, "Spindle noise, @ben please listen")
    client.force_login(anna)
    page = client.get(f"/plant/work-centers/{work_center.pk}/")
    assert page.status_code == 200
    assert "Spindle noise" in page.content.decode()
    page = client.get(f"/production/work-orders/{work_order.pk}/")
    assert page.status_code == 200
    assert 'id="comments"' in page.content.decode()
