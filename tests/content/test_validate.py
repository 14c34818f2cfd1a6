"""What counts as an external reference, in text and in SVG pictures."""

import pytest

from content.validate import check_svg, url_problems


@pytest.mark.parametrize("text", [
    "https://exemple.fr", "HTTP://EXEMPLE", "ftp://serveur/fichier", "http:exemple",
    "www.exemple", "WWW.impots", "mailto:lea@exemple", "javascript:alert(1)",
    "impots.gouv.fr", "le site service-public.fr", "lea.martin@exemple.fr",
    "mabanque.com/connexion", "sub.domain.org", "bit.ly",
])
def test_url_like(text):
    assert url_problems(text)


@pytest.mark.parametrize("text", [
    "le protocole HTTPS chiffre la connexion", "https", "HTTP/2", "rapport.pdf", "photo.jpg",
    "main.py", "index.html", "données.csv", "ASP.NET", "Node.js", "e.g. this", "etc.",
    "version 2.0", "3,14", "Personal data: name", "@lea_martin", "exemple.test",
    "lea@mabanque.exemple.test", "example.com", "serveur.localhost", "site:exemple",
])
def test_not_url_like(text):
    assert url_problems(text) == []


def test_svg_namespaces_and_local_references_are_fine(tmp_path):
    svg = tmp_path / "ok.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" '
                   'xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="#a"/>'
                   '<text>Fichier rapport.pdf</text></svg>', encoding="utf-8")
    assert check_svg(svg, "media/ok.svg") == []


@pytest.mark.parametrize(("body", "message"), [
    ('<a href="https://x.test"><text>x</text></a>', "external href"),
    ('<image href="data:image/png;base64,AAAA"/>', "external href"),
    ("<text>voir www.exemple</text>", "text: a web address"),
    ('<rect fill="url(https://exemple.fr/#a)"/>', "attribute 'fill'"),
    ("<foreignObject><p>x</p></foreignObject>", "<foreignobject> is not allowed"),
    ('<style>rect { fill: url("https://exemple.test/a.svg#b") }</style>',
     "<style> loads an external resource"),
    ("<text>unclosed", "not well-formed XML"),
])
def test_svg_problems(tmp_path, body, message):
    svg = tmp_path / "bad.svg"
    svg.write_text(f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>', encoding="utf-8")
    problems = check_svg(svg, "media/bad.svg")
    assert any(message in p for p in problems), problems


def test_svg_root_must_be_svg(tmp_path):
    svg = tmp_path / "bad.svg"
    svg.write_text("<html/>", encoding="utf-8")
    assert check_svg(svg, "media/bad.svg") == ["media/bad.svg: the root element must be <svg>"]
