-- A credential may name the gateway its requests use when they name none (SPEC §4: header, else the credential's,
-- else the org's default). Deleting the gateway unbinds it.
ALTER TABLE "api_keys" ADD COLUMN "gateway_id" TEXT;
ALTER TABLE "oauth_clients" ADD COLUMN "gateway_id" TEXT;

ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_gateway_id_fkey" FOREIGN KEY ("gateway_id") REFERENCES "gateways"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "oauth_clients" ADD CONSTRAINT "oauth_clients_gateway_id_fkey" FOREIGN KEY ("gateway_id") REFERENCES "gateways"("id") ON DELETE SET NULL ON UPDATE CASCADE;
