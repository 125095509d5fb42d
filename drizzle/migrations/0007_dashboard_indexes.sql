CREATE INDEX "messages_tenant_time" ON "messages" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "ticket_events_tenant_time" ON "ticket_events" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "tickets_tenant_updated" ON "tickets" USING btree ("tenant_id","updated_at");--> statement-breakpoint
CREATE INDEX "tickets_conversation" ON "tickets" USING btree ("conversation_id","created_at");