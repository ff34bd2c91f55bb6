"""Tokens: shown once, stored as a SHA-256 of the secret, scoped, expiring, revoked by their owner."""

import hashlib

from django.db import connection

from maillage.api import tokens
from maillage.api.models import ApiToken


def test_tokens_are_stored_hashed(world):
    secret = world.secrets["coordinator_write"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        rows = cursor.fetchall()
    cells = [str(cell) for row in rows for cell in row]
    assert not any(secret in cell for cell in cells)
    assert not any(s in cell for s in world.secrets.values() for cell in cells)
    token = ApiToken.objects.get(prefix=secret[: tokens.PREFIX_LENGTH])
    assert token.hashed_secret == hashlib.sha256(secret.encode()).hexdigest()
    assert len(secret) > 40 and secret.startswith("mlg_")


def test_a_member_creates_and_revokes_tokens_on_their_account_page(world, client, api_client):
    user = world.users["coordinator"]
    client.force_login(user)
    page = client.get("/compte/")
    assert "Gérer mes jetons d’API" in page.content.decode()
    response = client.post("/compte/jetons/", {"name": "Tableur de suivi", "scope": "write", "days": "30"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "il ne sera plus jamais affiché" in html
    token = ApiToken.objects.get(user=user, name="Tableur de suivi")
    secret = html.split('id="token-secret">')[1].split("<")[0]
    assert token.hashed_secret == tokens.digest(secret)
    assert api_client(secret).get(f"/api/v1/projects/{world.plan.project.slug}/bodies").status_code == 200
    # Shown once: the list afterwards has only its prefix.
    again = client.get("/compte/jetons/").content.decode()
    assert secret not in again and token.prefix in again
    client.post(f"/compte/jetons/{token.pk}/revoquer/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_client(secret).get("/api/v1/projects").json()["error"]["code"] == "token_revoked"


def test_nobody_revokes_another_members_token(world, client):
    token = ApiToken.objects.filter(user=world.users["coordinator"], revoked_at__isnull=True).first()
    client.force_login(world.users["contributor"])
    assert client.post(f"/compte/jetons/{token.pk}/revoquer/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_bad_form_changes_nothing(world, client):
    client.force_login(world.users["contributor"])
    before = ApiToken.objects.count()
    response = client.post("/compte/jetons/", {"name": "", "scope": "admin", "days": "9999"})
    assert response.status_code == 200
    assert ApiToken.objects.count() == before
    assert "Ce champ est obligatoire" in response.content.decode()
