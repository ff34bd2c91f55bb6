from django.urls import reverse


def test_french_even_when_the_browser_asks_for_english(client):
    response = client.get(reverse("admin:login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "fr"
    assert "Nom d’utilisateur" in response.content.decode()


def test_english_when_chosen(client):
    client.post(reverse("set_language"), {"language": "en"})
    response = client.get(reverse("admin:login"))
    assert response["Content-Language"] == "en"
    assert "Username" in response.content.decode()
