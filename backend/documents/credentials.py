"""Each issuer's PDF signing credentials, certified by the deployment CA and kept sealed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from backend.documents.models import IssuerCredential
from backend.documents.pki import DeploymentCA, open_private_key, seal_private_key
from backend.issuers.models import Issuer


@dataclass(frozen=True, slots=True)
class SigningMaterial:
    """What a rendering worker needs to sign for one issuer (all PEM)."""

    key_pem: bytes
    certificate_pem: bytes
    ca_pem: bytes


class CredentialService:
    def __init__(self, *, ca: DeploymentCA, secret: bytes) -> None:
        self.ca = ca
        self._secret = secret
        # A certificate is never replaced, so what was unsealed once stays good.
        self._unsealed: dict[uuid.UUID, SigningMaterial] = {}

    async def ensure(self, issuer: Issuer) -> SigningMaterial:
        """The issuer's signing material, certifying a new key the first time.

        Safe under concurrency: one credential per issuer (unique row); a loser of the race
        reads the winner's.
        """
        known = self._unsealed.get(issuer.id)
        if known is not None:
            return known
        stored = await IssuerCredential.get_or_none(issuer_id=issuer.id)
        if stored is None:
            issued = self.ca.certify_issuer(issuer_name=issuer.name, credit_code=issuer.credit_code)
            try:
                stored = await IssuerCredential.create(
                    issuer=issuer,
                    sealed_key=seal_private_key(issued.private_key_pem, self._secret),
                    certificate=issued.certificate_pem.decode(),
                )
            except IntegrityError:
                stored = await IssuerCredential.get(issuer_id=issuer.id)
        material = SigningMaterial(
            key_pem=open_private_key(bytes(stored.sealed_key), self._secret),
            certificate_pem=stored.certificate.encode(),
            ca_pem=self.ca.certificate_pem,
        )
        self._unsealed[issuer.id] = material
        return material
